import { article, issuesOf, s, type Infer } from './shape';
import type { EnvironmentDefinition } from './environment';

/**
 * The shape of an environment file, checked at run time (tsx does not type-check): every object
 * strict, so a misspelt key is refused instead of silently dropped; every field of its type, so
 * `publicAccess: 'false'` is refused instead of deploying a public server. The documented
 * interfaces in environment.ts stay what editors show; the type-level check at the end of this
 * file fails the build when the two disagree in any key or type. (model/shape.ts is the checker:
 * a schema library on this path cost a synth about as much as rendering the GitOps tree.)
 */
const str = s.string();
const int = s.int();
const bool = s.boolean();
const opt = s.optional;

const sizing = s.object({ cpuRequest: opt(str), memoryRequest: opt(str), memoryLimit: opt(str) });
const pool = s.object({ vmSize: opt(str), nodeCount: opt(int), maxCount: opt(int), name: opt(str), osDiskSizeGb: opt(int) });
const format = s.enum(['json', 'text', 'bytes']);

export const ENVIRONMENT_SCHEMA = s.object({
  name: str,
  prefix: str,
  location: opt(str),
  names: opt(
    s.object({
      resourceGroup: opt(str),
      aksCluster: opt(str),
      postgresServer: opt(str),
      storageAccount: opt(str),
      eventHubsNamespace: opt(str),
    }),
  ),
  tags: opt(s.record(str)),
  allowedClientRanges: opt(s.array(str)),
  network: opt(
    s.object({
      vnetCidr: opt(str),
      aksSubnetCidr: opt(str),
      postgresSubnetCidr: opt(str),
      serviceCidr: opt(str),
      dnsServiceIp: opt(str),
      sqlLoadBalancerIp: opt(str),
      consoleLoadBalancerIp: opt(str),
    }),
  ),
  aks: opt(
    s.object({
      kubernetesVersion: opt(str),
      longTermSupport: opt(bool),
      nodeOsMaintenance: opt(
        s.object({
          dayOfWeek: opt(s.enum(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])),
          startTime: opt(str),
          durationHours: opt(int),
        }),
      ),
      systemPool: opt(pool),
      materializePool: opt(pool),
      networkPolicy: opt(s.enum(['azure', 'cilium'])),
      apiServerAuthorizedRanges: opt(s.array(str)),
    }),
  ),
  postgres: opt(
    s.object({
      version: opt(str),
      skuName: opt(str),
      storageMb: opt(int),
      backupRetentionDays: opt(int),
      highAvailability: opt(bool),
      maxConnections: opt(int),
      publicAccess: opt(bool),
      adminLogin: opt(str),
      database: opt(str),
      generatePassword: opt(bool),
    }),
  ),
  storage: opt(
    s.object({
      tier: opt(s.enum(['Standard', 'Premium'])),
      replication: opt(s.enum(['LRS', 'ZRS', 'GRS', 'RAGRS', 'GZRS', 'RAGZRS'])),
      container: opt(str),
      persistAuth: opt(s.enum(['sas', 'workloadIdentity'])),
      sasValidityDays: opt(int),
      sasRotationDays: opt(int),
      publicNetworkAccess: opt(bool),
    }),
  ),
  eventHubs: opt(
    s.object({
      sku: opt(s.enum(['Standard', 'Premium'])),
      capacity: opt(int),
      topics: opt(
        s.array(
          s.object({
            name: str,
            partitions: opt(int),
            retentionDays: opt(int),
            source: opt(
              s.object({
                name: opt(str),
                valueFormat: opt(format),
                envelope: opt(s.enum(['none', 'upsert'])),
                keyFormat: opt(format),
                cluster: opt(str),
              }),
            ),
            views: opt(
              s.array(
                s.object({
                  name: str,
                  columns: s.array(
                    s.object({
                      name: str,
                      type: s.enum(['text', 'int', 'bigint', 'double', 'numeric', 'boolean', 'timestamp', 'timestamptz', 'jsonb']),
                      field: opt(str),
                    }),
                  ),
                  skipNullRecords: opt(bool),
                  cluster: opt(str),
                }),
              ),
            ),
          }),
        ),
      ),
      roles: opt(s.array(s.object({ name: str, selectOn: opt(s.array(str)), selectOnAll: opt(bool) }))),
      clusters: opt(s.array(s.object({ name: str, size: opt(str), replicationFactor: opt(int) }))),
    }),
  ),
  materialize: s.object({
    environmentId: str,
    instanceName: opt(str),
    operatorChartVersion: opt(str),
    environmentdVersion: opt(str),
    requestRollout: opt(str),
    rolloutStrategy: opt(s.enum(['WaitUntilReady', 'ManuallyPromote', 'ImmediatelyPromoteCausingDowntime'])),
    swap: opt(bool),
    tls: opt(bool),
    environmentdResources: opt(sizing),
    balancerdResources: opt(sizing),
    forceEnvironmentIdChange: opt(bool),
  }),
  charts: opt(s.object({ sealedSecrets: opt(str), certManager: opt(str), diskSetupImage: opt(str) })),
  access: opt(s.object({ publicLoadBalancers: opt(bool) })),
  gitops: s.object({
    repositoryUrl: str,
    branch: opt(str),
    syncIntervalSeconds: opt(int),
    fluxExtensionVersion: opt(str),
    auth: opt(s.enum(['none', 'https', 'ssh'])),
    httpsUser: opt(str),
  }),
  dataProtection: opt(bool),
  state: opt(
    s.object({ azurerm: opt(s.object({ resourceGroupName: str, storageAccountName: str, containerName: opt(str), key: opt(str) })) }),
  ),
});

// The schema and the documented interfaces must agree exactly, key for key and type for type.
type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const agree: Exact<Infer<typeof ENVIRONMENT_SCHEMA>, EnvironmentDefinition> = true;
void agree;

/** One problem with the shape of a definition: where, what rule, what was there, what would pass. */
export interface ShapeProblem {
  readonly path: string;
  readonly rule: string;
  readonly value: unknown;
  readonly example: string;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** The nearest known key, when it is near enough to be a typo. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const best = [...known].sort((x, y) => distance(key, x) - distance(key, y))[0];
  return best !== undefined && distance(key, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

const EXAMPLE_OF: Record<string, string> = { string: '"text"', number: '1', boolean: 'true', array: '[]', object: '{}' };

/** What the required fields are, for a missing one: the rule and a value that would pass. */
const REQUIRED: Record<string, { rule: string; example: string }> = {
  name: { rule: 'is required: the environment name, as the file is named', example: '"staging"' },
  prefix: { rule: 'is required: the prefix every Azure name derives from', example: '"mzstaging"' },
  'materialize.environmentId': {
    rule: 'is required: a lowercase UUID, generated once and never changed',
    example: '"7f615ba3-1c4e-4f5a-9d1b-3a2c5e8f9b01" (node -e "console.log(crypto.randomUUID())")',
  },
  'gitops.repositoryUrl': {
    rule: 'is required: the Git repository Flux pulls dist/ from',
    example: '"https://github.com/acme/materialize-gitops"',
  },
};

/** Every shape problem of a definition (nothing is resolved or defaulted yet), or none. */
export function shapeProblems(definition: unknown): ShapeProblem[] {
  return issuesOf(ENVIRONMENT_SCHEMA, definition).flatMap((issue): ShapeProblem[] => {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const near = nearestKey(key, issue.known);
        return {
          path: formatPath([...path, key]),
          rule: `is not a field of ${formatPath(path) || 'the environment'}${near ? `: did you mean "${near}"?` : ` (known: ${issue.known.join(', ')})`}`,
          value: valueAt(definition, [...path, key]),
          example: near ? `${near}: ...` : `one of ${issue.known.slice(0, 4).join(', ')}`,
        };
      });
    }
    const value = valueAt(definition, path);
    if (issue.code === 'invalid_type') {
      const where = formatPath(path);
      if (value === undefined) {
        const known = REQUIRED[where.replace(/\[\d+\]/g, '')];
        return [
          {
            path: where,
            rule: known?.rule ?? `is required (${article(issue.expected)})`,
            value,
            example: known?.example ?? EXAMPLE_OF[issue.expected] ?? issue.expected,
          },
        ];
      }
      return [
        {
          path: where,
          rule: `must be ${article(issue.expected)}, not ${article(Array.isArray(value) ? 'array' : typeof value)}`,
          value,
          example: EXAMPLE_OF[issue.expected] ?? issue.expected,
        },
      ];
    }
    if (issue.code === 'invalid_value') {
      const options = issue.values.map((v) => JSON.stringify(v));
      return [{ path: formatPath(path), rule: `must be one of ${options.join(', ')}`, value, example: options[0] }];
    }
    return [{ path: formatPath(path), rule: issue.message, value, example: '(see model/environment.ts)' }];
  });
}
