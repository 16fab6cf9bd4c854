import { join } from 'node:path';
import { loadEnvironment } from '../model/load';
import type { Environment, EnvironmentDefinition } from '../model/environment';
import exampleFile from '../environments/example';
import { readMzopsState } from '../core/mzops-state';
import { readEnvironmentDefinitions } from '../core/environments';
import { VERIFIED_OPERATOR_VERSIONS } from '../model/operator-versions';
import staging from './fixtures/environments/staging';
import prod from './fixtures/environments/prod';

export const REPO_ROOT = join(__dirname, '..');
/** What every entry point runs TypeScript with: `node --require <REGISTER> <entry>.ts`. */
export const REGISTER = join(REPO_ROOT, 'core', 'register.js');

/** The example as synth reads it: its file, with the values mzops keeps in example.mzops.json over it. */
const example: EnvironmentDefinition = {
  ...exampleFile,
  materialize: { ...exampleFile.materialize, ...readMzopsState('example', join(REPO_ROOT, 'environments'))?.materialize },
};
export const FIXTURE_ENVIRONMENTS_DIR = join(__dirname, 'fixtures', 'environments');

/**
 * Staging on workload-identity persist auth, which needs environmentd v26.39.0 or later; no chart
 * of that line is in the reference set, so it is not among the chart-rendering tests' environments.
 */
const identity: EnvironmentDefinition = {
  ...staging,
  name: 'identity',
  prefix: 'acme-id',
  network: { vnetCidr: '10.40.0.0/16', aksSubnetCidr: '10.40.0.0/20', postgresSubnetCidr: '10.40.16.0/24', serviceCidr: '10.41.0.0/16' },
  storage: { ...staging.storage, persistAuth: 'workloadIdentity' },
  materialize: {
    ...staging.materialize,
    environmentId: '2d7e9a1c-5b3f-4c6d-8e0a-9f1b2c3d4e5f',
    operatorChartVersion: 'v26.40.0',
    allowUnverifiedVersion: true,
  },
};

export const definitions: Record<string, EnvironmentDefinition> = { example, staging, prod, identity };

export function env(name: keyof typeof definitions | string): Environment {
  return loadEnvironment(definitions[name]);
}

/** A valid definition with one part changed: the way bad-input tests are written. */
export function exampleWith(change: (d: EnvironmentDefinition) => void): EnvironmentDefinition {
  const copy = structuredClone(example) as EnvironmentDefinition;
  change(copy);
  return copy;
}

/**
 * Every environment of the repository (a user's added ones included) and of the fixtures, at
 * every operator chart version the project vouches for: what the chart, flow and capacity tests
 * render. Each is loaded (and validated) again with both versions set.
 */
export function environmentsAtEveryVerifiedVersion(): [label: string, env: Environment][] {
  const repo = readEnvironmentDefinitions(join(REPO_ROOT, 'environments')).map((r) => r.definition);
  const all = [...repo, staging, prod];
  return all.flatMap((d) =>
    VERIFIED_OPERATOR_VERSIONS.map((v): [string, Environment] => [
      `${d.name} at ${v}`,
      loadEnvironment({ ...d, materialize: { ...d.materialize, operatorChartVersion: v, environmentdVersion: v } }),
    ]),
  );
}
