import { selectEnvironments } from '../core/environments';
import { workspace } from '../core/workspace';
import type { Environment } from '../model/environment';
import { CliError, explain } from './errors';
import { environmentKube, findKubeconfig, type KubectlClient } from './kube';
import type { Context as OperationContext } from './operations';
import { readStackOutputs, readStackOutputsChecked, readStackOutputsIfAny, type StackOutputs } from './terraform-outputs';
import { userVariables } from './workspace';

/**
 * The one context every command module gets (`register(program, ctx)`): where the repository is,
 * how to print, how a failure ends, and the shared readers, so that no command keeps its own copy
 * of how an environment, the variables, the cluster or the Terraform outputs are found.
 */
export interface CliContext {
  readonly root: string;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Wraps a command body: a failure becomes one `error:` line, one `hint:` line and exit 1. */
  readonly action: <A extends unknown[]>(fn: (...args: A) => Promise<void> | void) => (...args: A) => Promise<void>;
  /**
   * The named environment; every file is validated, so a broken neighbour is reported too.
   * `stateOptional`: an unreadable `.mzops.json` is a notice, not an error (doctor reports it and goes on).
   */
  environment(name: string, options?: { stateOptional?: boolean }): Environment;
  /** The variable registry's values, `.env` under the process environment, read once per run. */
  variables(): Record<string, string | undefined>;
  /** The environment's own cluster, or undefined without a kubeconfig; a kubeconfig lacking its context is an error. */
  kube(env: Environment, kubeconfig?: string): KubectlClient | undefined;
  /** For read-only commands: a missing context is a warning, and the cluster is skipped. */
  kubeOrWarn(env: Environment, kubeconfig?: string): KubectlClient | undefined;
  outputs(name: string, file?: string): StackOutputs;
  outputsIfAny(name: string, file?: string): StackOutputs | undefined;
  /** Outputs, none, or what is wrong with a corrupt outputs file (doctor names it and goes on). */
  outputsChecked(name: string, file?: string): { outputs?: StackOutputs; problem?: CliError };
  /** What the multi-step plans (deploy, rollout, rotate-sas, recreate) run with. */
  operation(name: string, kubeconfig?: string): OperationContext;
}

export function createContext(root: string): CliContext {
  const out = (line: string) => void process.stdout.write(`${line}\n`);
  const err = (line: string) => void process.stderr.write(`${line}\n`);
  let variables: Record<string, string | undefined> | undefined;
  const ctx: CliContext = {
    root,
    out,
    err,
    action:
      <A extends unknown[]>(fn: (...args: A) => Promise<void> | void) =>
      async (...args: A) => {
        try {
          await fn(...args);
        } catch (e) {
          err(explain(e));
          process.exitCode = 1;
        }
      },
    environment: (name, options) => {
      const { selected, notices } = selectEnvironments(workspace(root).environmentsDir, [name], options);
      // What loading noticed about this or another file (an unreadable state file elsewhere, a value the state overrides).
      for (const n of notices) err(n);
      return selected[0];
    },
    variables: () => (variables ??= userVariables(root)),
    kube: (env, kubeconfig) => {
      const config = findKubeconfig(kubeconfig);
      return config ? environmentKube(env.names.aksCluster, env.names.resourceGroup, config) : undefined;
    },
    kubeOrWarn: (env, kubeconfig) => {
      try {
        return ctx.kube(env, kubeconfig);
      } catch (e) {
        err(`warn  cluster: ${(e as Error).message}; skipping the cluster${e instanceof CliError && e.hint ? ` (fix: ${e.hint})` : ''}`);
        return undefined;
      }
    },
    outputs: (name, file) => readStackOutputs(name, { file, root }),
    outputsIfAny: (name, file) => readStackOutputsIfAny(name, { file, root }),
    outputsChecked: (name, file) => readStackOutputsChecked(name, { file, root }),
    operation: (name, kubeconfig) => {
      const env = ctx.environment(name);
      return { env, root, variables: ctx.variables(), log: out, kube: ctx.kubeOrWarn(env, kubeconfig) };
    },
  };
  return ctx;
}
