import { resolve } from 'node:path';
import { WORKSPACE } from './contract';
import { ENVIRONMENT_SCHEMA, type Environment, type EnvironmentDefinition } from './environment';
import { shapeProblems } from './problems';
import {
  crossEnvironmentProblems,
  EnvironmentValidationError,
  validateEnvironment,
  type ValidationContext,
  type ValidationProblem,
} from './validate';

export const ENVIRONMENTS_DIR = resolve(__dirname, '..', WORKSPACE.environments);

/** Resolves defaults and validates; throws one EnvironmentValidationError listing every problem. */
export function loadEnvironment(definition: EnvironmentDefinition, context?: ValidationContext): Environment {
  // The shape first: a misspelt key or a string where a boolean belongs never reaches the defaults.
  const shape = shapeProblems(definition);
  if (shape.length > 0) {
    const name = typeof (definition as { name?: unknown })?.name === 'string' ? (definition as { name: string }).name : '<unnamed>';
    throw new EnvironmentValidationError(shape.map((p) => ({ environment: name, ...p })));
  }
  return validateEnvironment(ENVIRONMENT_SCHEMA.resolve(definition), context);
}

/**
 * Environments that share a subscription or a repository must not share a name:
 * global Azure names, stack names and `dist/` folders are checked across all of them.
 */
export function loadEnvironments(definitions: EnvironmentDefinition[], context?: ValidationContext): Environment[] {
  const problems: ValidationProblem[] = [];
  const envs: Environment[] = [];
  for (const d of definitions) {
    try {
      envs.push(loadEnvironment(d, context));
    } catch (e) {
      if (e instanceof EnvironmentValidationError) problems.push(...e.problems);
      else throw e;
    }
  }
  problems.push(...crossEnvironmentProblems(envs));
  if (problems.length > 0) throw new EnvironmentValidationError(problems);
  return envs;
}
