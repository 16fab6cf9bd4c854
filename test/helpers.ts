import { join } from 'node:path';
import { loadEnvironment } from '../model/load';
import type { Environment, EnvironmentDefinition } from '../model/environment';
import example from '../environments/example';
import staging from './fixtures/environments/staging';
import prod from './fixtures/environments/prod';

export const REPO_ROOT = join(__dirname, '..');
export const FIXTURE_ENVIRONMENTS_DIR = join(__dirname, 'fixtures', 'environments');

export const definitions: Record<string, EnvironmentDefinition> = { example, staging, prod };

export function env(name: keyof typeof definitions | string): Environment {
  return loadEnvironment(definitions[name]);
}

/** A valid definition with one part changed: the way bad-input tests are written. */
export function exampleWith(change: (d: EnvironmentDefinition) => void): EnvironmentDefinition {
  const copy = structuredClone(example) as EnvironmentDefinition;
  change(copy);
  return copy;
}
