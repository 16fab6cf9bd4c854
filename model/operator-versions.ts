/**
 * The Materialize operator chart versions this project vouches for: each one is in the reference
 * data (reference.json), and the tests render it with `helm template` for every environment and
 * check its pods, labels, ports, network policies and capacity. Anything else is refused at synth
 * unless the environment says, with `materialize.allowUnverifiedVersion`, that it runs a version
 * nobody here rendered.
 *
 * Sources: the charts' values.yaml (generated into model/generated/operator-chart-defaults.ts);
 * release dates from the GitHub release pages (MaterializeInc/materialize releases v26.12.0 and
 * v26.37.0); v26.37.0 is the default of materialize-terraform-self-managed v11.1.1.
 */
import { OPERATOR_CHARTS, type VerifiedOperatorVersion } from './generated/operator-chart-defaults';

export const VERIFIED_OPERATOR_VERSIONS = Object.keys(OPERATOR_CHARTS) as VerifiedOperatorVersion[];

/** What new environments run: the newest verified chart, upstream's Terraform default. */
export const DEFAULT_OPERATOR_VERSION: VerifiedOperatorVersion = 'v26.37.0';

/** Materialize's own dashboards (materialize-monitoring 0.18.1) read metrics that environmentd exposes from this version on. */
export const DASHBOARDS_NEED_ENVIRONMENTD = 'v26.24.0';

/**
 * The first verified version whose Materialize resource has `rolloutRequestTimeout` (orchestratord's
 * source at the v26.37 line has it; the v26.12 field list does not): older operators never cancel
 * an unpromoted rollout.
 */
export const ROLLOUT_REQUEST_TIMEOUT_FROM = 'v26.37.0';

export type OperatorChartDefaults = (typeof OPERATOR_CHARTS)[VerifiedOperatorVersion];

function tuple(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split(/[.-]/)
    .slice(0, 3)
    .map((p) => Number(p));
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [tuple(a), tuple(b)];
  for (let i = 0; i < 3; i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

export function isVerifiedOperatorVersion(version: string): version is VerifiedOperatorVersion {
  return Object.prototype.hasOwnProperty.call(OPERATOR_CHARTS, version);
}

/**
 * The chart defaults to model a version with: its own when verified, else those of the newest
 * verified version not newer than it (an unverified version is acknowledged, not known), else the
 * oldest verified one.
 */
export function operatorChartDefaults(version: string): OperatorChartDefaults {
  if (isVerifiedOperatorVersion(version)) return OPERATOR_CHARTS[version];
  const older = VERIFIED_OPERATOR_VERSIONS.filter((v) => compareVersions(v, version) <= 0);
  return OPERATOR_CHARTS[older[older.length - 1] ?? VERIFIED_OPERATOR_VERSIONS[0]];
}
