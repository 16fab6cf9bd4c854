import { VARIABLES } from '../../model/variables';
import { dirname, join } from 'node:path';
import { committedMaterializeSpec } from '../../manifests/gitops';
import { BACKEND_SECRET, DIST, NAMESPACES, TF_OUTPUTS } from '../../model/contract';
import { ENVIRONMENTS_DIR } from '../../model/load';
import type { Environment } from '../../model/environment';
import { missingSealedKeys, readSealedValues } from '../../model/sealed-values';
import { checkBackendValue, licenseKeyMismatch } from '../backend-values';
import { getObject, KUBE_RESOURCES, type KubeClient } from '../kube';
import { readCertificate } from '../seal/kubeseal';
import { SEAL_VARIABLES } from '../seal/seal-environment';
import type { StackOutputs } from '../terraform-outputs';
import { checkBlob } from './blob-checks';
import { fail, ok, warn, type CheckResult } from './check';
import { checkCluster } from './cluster-checks';
import { checkPostgres } from './postgres-checks';
import { checkSasInUse, type RolloutFields } from './sas-checks';
import { readMzopsState } from '../../core/mzops-state';
import { workspace } from '../../core/workspace';
import { EnvironmentValidationError } from '../../model/validate';
import { checkMetrics } from './metrics-checks';
import type { MetricsReader } from '../observability/prometheus-api';

export interface DoctorInput {
  readonly env: Environment;
  readonly outputs: StackOutputs;
  /** Why there are no outputs (a corrupt file, nothing deployed): the values read from them say so instead of "empty". */
  readonly outputsMissing?: string;
  readonly variables: Record<string, string | undefined>;
  /** @default - cluster checks are skipped */
  readonly kube?: KubeClient;
  readonly environmentsDir?: string;
  /** Where dist/<environment> is, for the Materialize resource Git holds. @default - dist/ beside environmentsDir */
  readonly distDir?: string;
  readonly now?: Date;
  /** Called with each area's results as soon as they are known. */
  readonly progress?: (results: CheckResult[]) => void;
  /** The environment's metrics (observability on and deployed). @default - metrics arrive unchecked */
  readonly metrics?: MetricsReader;
}

function variableChecks(input: DoctorInput): CheckResult[] {
  const k = BACKEND_SECRET.keys;
  const values: [string, string | undefined, string][] = [
    [k.metadataBackendUrl, input.outputs[TF_OUTPUTS.metadataBackendUrl], `Terraform output ${TF_OUTPUTS.metadataBackendUrl}`],
    [k.persistBackendUrl, input.outputs[TF_OUTPUTS.persistBackendUrl], `Terraform output ${TF_OUTPUTS.persistBackendUrl}`],
    [k.licenseKey, input.variables[SEAL_VARIABLES.licenseKey], SEAL_VARIABLES.licenseKey],
  ];
  const results = values.map(([key, value, source]) => {
    if (value === undefined && input.outputsMissing && source.startsWith('Terraform output'))
      return fail('variables', `${key}: not read (${source}; ${input.outputsMissing})`, `mzops deploy ${input.env.name}`);
    const problem = checkBackendValue(key, value, input.env.name);
    return problem
      ? fail('variables', `${problem.message} (from ${source})`, problem.fix)
      : ok('variables', `${key} present (from ${source})`);
  });
  const mismatch = licenseKeyMismatch(input.variables[SEAL_VARIABLES.licenseKey], input.env.materialize.environmentId);
  if (mismatch) results.push(fail('variables', mismatch.message, mismatch.fix));
  // Empty, as .env.template ships it, means "generate one" (mzops seal does), not a bad password.
  const password = input.variables[SEAL_VARIABLES.mzSystemPassword];
  if (password) {
    const problem = checkBackendValue(k.mzSystemPassword, password, input.env.name);
    results.push(problem ? fail('variables', problem.message, problem.fix) : ok('variables', `${SEAL_VARIABLES.mzSystemPassword} set`));
  }
  results.push(sealedCheck(input));
  return results;
}

/** The sealed file: complete, and sealed for this cluster's key. A corrupt file is one failed check; the others still run. */
function sealedCheck(input: DoctorInput): CheckResult {
  let sealed: ReturnType<typeof readSealedValues>;
  try {
    sealed = readSealedValues(input.env.name, input.environmentsDir);
  } catch (e) {
    // The reader's message ends with its fix ("...; re-seal every value from its sources: ...").
    const [problem] = (e as Error).message.split('; re-seal');
    return fail('sealed', problem, `mzops seal ${input.env.name} --reseal`);
  }
  const missing = missingSealedKeys(sealed);
  if (missing.length > 0) {
    return fail(
      'sealed',
      `environments/${input.env.name}.sealed.json lacks ${missing.join(', ')}`,
      `mzops seal ${input.env.name}, then npm run synth and commit`,
    );
  }
  const pem = input.outputs[TF_OUTPUTS.sealingCertificate];
  if (!pem) return ok('sealed', 'all four backend values are sealed');
  let sha256: string;
  try {
    sha256 = readCertificate(pem).sha256;
  } catch (e) {
    return fail('sealed', `${(e as Error).message} (Terraform output ${TF_OUTPUTS.sealingCertificate})`, `mzops deploy ${input.env.name}`);
  }
  if (sha256 !== sealed!.certificateSha256)
    return fail('sealed', 'values were sealed for another sealing key than this cluster’s', `mzops seal ${input.env.name}`);
  return ok('sealed', 'all four backend values are sealed');
}

/** Whether the pods run with Terraform's SAS: reads the committed and the live Materialize resource. */
async function sasInUse(input: DoctorInput, kube: KubeClient): Promise<CheckResult[]> {
  if (input.env.storage.persistAuth !== 'sas') return [];
  const dir = input.environmentsDir ?? ENVIRONMENTS_DIR;
  let live: RolloutFields | undefined;
  try {
    live = (await getObject(kube, {
      resource: KUBE_RESOURCES.materializes,
      namespace: NAMESPACES.instance,
      name: input.env.materialize.instanceName,
    })) as RolloutFields;
  } catch {
    // The cluster checks already report an unreachable or missing resource.
    live = undefined;
  }
  const committed = committedMaterializeSpec(join(input.distDir ?? join(dirname(dir), DIST.root), input.env.name));
  return checkSasInUse({
    env: input.env,
    terraformPersistUrl: input.outputs[TF_OUTPUTS.persistBackendUrl],
    sealed: readSealedValues(input.env.name, dir),
    committed: committed ? { spec: committed } : undefined,
    live,
  });
}

/**
 * The environment's `.mzops.json`, which doctor reads past (its values only move rollout ids and
 * versions): unreadable, it is one failed check naming the file and the rule.
 */
export function stateFileCheck(environment: string, root: string): CheckResult | undefined {
  try {
    readMzopsState(environment, workspace(root).environmentsDir);
    return undefined;
  } catch (e) {
    if (!(e instanceof EnvironmentValidationError)) throw e;
    const [p] = e.problems;
    return fail(
      'state',
      `${p.file}: ${p.field} ${p.rule}; the checks below read the environment without it`,
      `resolve it by hand, or restore the committed file: git checkout -- ${p.file}`,
    );
  }
}

/** The predecessor's troubleshooting section as checks; each prints ok, warn or fail with its fix. */
export async function runDoctor(input: DoctorInput): Promise<CheckResult[]> {
  const variables = variableChecks(input);
  input.progress?.(variables);
  // PostgreSQL, Blob Storage and the cluster are checked at once, each within its own deadlines,
  // and each area is printed as it completes; the result lists them in a fixed order.
  const metadata = input.outputs[TF_OUTPUTS.metadataBackendUrl];
  const persist = input.outputs[TF_OUTPUTS.persistBackendUrl];
  const areas: Promise<CheckResult[]>[] = [
    metadata && !checkBackendValue(BACKEND_SECRET.keys.metadataBackendUrl, metadata, input.env.name)
      ? checkPostgres(metadata, { environment: input.env.name, caFile: input.variables[VARIABLES.pgSslRootCert.name] || undefined })
      : Promise.resolve([fail('postgres', 'skipped: no usable metadata_backend_url', `npm run deploy -- ${input.env.name}`)]),
    persist && !checkBackendValue(BACKEND_SECRET.keys.persistBackendUrl, persist, input.env.name)
      ? checkBlob(persist, { environment: input.env.name, now: input.now })
      : Promise.resolve([fail('blob', 'skipped: no usable persist_backend_url', `npm run deploy -- ${input.env.name}`)]),
    input.kube
      ? checkCluster(input.env, input.kube).then(async (cluster) => [...cluster, ...(await sasInUse(input, input.kube!))])
      : Promise.resolve([
          warn(
            'cluster',
            'skipped: no kubeconfig',
            `az aks get-credentials -g ${input.env.names.resourceGroup} -n ${input.env.names.aksCluster}`,
          ),
        ]),
    checkMetrics(input.env, input.metrics),
  ];
  const done = await Promise.all(
    areas.map((area) =>
      area.then((results) => {
        input.progress?.(results);
        return results;
      }),
    ),
  );
  return [...variables, ...done.flat()];
}
