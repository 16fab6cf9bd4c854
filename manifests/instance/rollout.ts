import { createHash } from 'node:crypto';
import type { MaterializeSpec } from '../../imports/materialize.cloud';
import type { Environment } from '../../model/environment';
import type { SealedValuesFile } from '../../model/sealed-values';
import type { OperatorValues } from '../infrastructure/operator-values';

/**
 * When the operator rolls environmentd out, read from orchestratord's source (v26.37 line,
 * src/orchestratord/src/controller/materialize.rs and materialize/generation.rs):
 * - it hashes the resources it would generate for the active generation (environmentd's
 *   StatefulSet and Services, built from the CR spec *and* its own flags, which the chart's values
 *   set, and its own version); a different hash is a pending change;
 * - it applies a pending change only when `spec.requestRollout` differs from
 *   `status.lastCompletedRolloutRequest`; otherwise it reports `WaitingForApproval` for ever;
 * - a new requestRollout with no pending change is marked done without a restart;
 * - `spec.forceRollout` is written into the StatefulSet's annotations, so a new value is a pending
 *   change: the way to restart environmentd when nothing it hashes changed (a new SAS in the
 *   backend secret, which it reads only at start).
 *
 * So both are derived here, deterministically: forceRollout from the rollout epoch (what `mzops
 * rollout` writes) and the backend secret's fingerprints; requestRollout from forceRollout and
 * everything that shapes environmentd's generation. Any such change in Git rolls out when Flux
 * applies it, and `mzops diff` shows it as downtime; balancerd's and the console's settings, which
 * the operator applies without a new generation, do not change it.
 */

/** RFC 4122 name-based UUIDs (version 5, SHA-1) need a namespace: this project's. */
const NAMESPACE = '6d7a6f70-7300-4a7a-9b69-746f707300aa';

/** A version-5 UUID of `name` in `namespace` (RFC 4122, section 4.3). */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A version-5 UUID of `name` in this project's namespace: the same inputs always give the same id. */
export function nameUuid(name: string): string {
  return uuidV5(NAMESPACE, name);
}

/** JSON with sorted keys, so that the same values always hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * Spec fields the operator applies without a new generation (v1's `generate_rollout_hash` leaves
 * out the same ones), and the rollout controls themselves.
 */
export const NOT_GENERATION_INPUTS = [
  'requestRollout',
  'forceRollout',
  'forcePromote',
  'rolloutStrategy',
  'rolloutRequestTimeout',
  'balancerdResourceRequirements',
  'consoleResourceRequirements',
  'balancerdReplicas',
  'consoleReplicas',
  'balancerdExternalCertificateSpec',
  'consoleExternalCertificateSpec',
] as const;

/** The operator's flags that reach environmentd's and clusterd's pods (its own placement, network policies, balancerd and console do not). */
export function operatorGenerationInputs(env: Environment, values: OperatorValues): Record<string, unknown> {
  return {
    chartVersion: env.materialize.operatorChartVersion,
    image: values.operator.image,
    cloudProvider: values.operator.cloudProvider,
    clusters: values.operator.clusters,
    environmentd: values.environmentd,
    clusterd: values.clusterd,
    observability: values.observability,
    telemetry: values.telemetry,
    tls: values.tls,
  };
}

export interface RolloutIds {
  readonly requestRollout: string;
  readonly forceRollout: string;
}

/** The two rollout fields of the CR, from the epoch, the backend secret and what shapes a generation. */
export function rolloutIds(
  env: Environment,
  spec: Omit<MaterializeSpec, 'requestRollout' | 'forceRollout' | 'forcePromote'>,
  values: OperatorValues,
  sealed: SealedValuesFile | undefined,
): RolloutIds {
  // Fingerprints change with the values, not with a re-encryption for the same certificate.
  const secret = Object.entries(sealed?.values ?? {})
    .map(([k, v]) => `${k}=${v?.fingerprint ?? ''}`)
    .sort();
  const forceRollout = nameUuid(`force:${canonical({ epoch: env.materialize.requestRollout, secret })}`);
  const generationSpec = Object.fromEntries(
    Object.entries(spec).filter(([k]) => !(NOT_GENERATION_INPUTS as readonly string[]).includes(k)),
  );
  const requestRollout = nameUuid(
    `request:${canonical({ forceRollout, spec: generationSpec, operator: operatorGenerationInputs(env, values) })}`,
  );
  return { requestRollout, forceRollout };
}
