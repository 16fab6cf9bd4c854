import { join, relative, resolve } from 'node:path';
import { DIST, WORKSPACE } from '../model/contract';

/**
 * Where one run reads and writes. Everything defaults to the repository layout; tests and the
 * bench move the outputs elsewhere by passing another Workspace, never through variables read
 * deep inside.
 */
export interface Workspace {
  /** Repository root. */
  readonly root: string;
  readonly environmentsDir: string;
  readonly distDir: string;
  readonly cdktfOut: string;
  /** Local Terraform state, one file per environment. */
  readonly stateDir: string;
}

export const REPOSITORY_ROOT = resolve(__dirname, '..');

export function workspace(root: string = REPOSITORY_ROOT, overrides: Partial<Omit<Workspace, 'root'>> = {}): Workspace {
  return {
    root,
    environmentsDir: overrides.environmentsDir ?? join(root, WORKSPACE.environments),
    distDir: overrides.distDir ?? join(root, DIST.root),
    cdktfOut: overrides.cdktfOut ?? join(root, WORKSPACE.cdktfOut),
    stateDir: overrides.stateDir ?? join(root, WORKSPACE.state),
  };
}

/** The folder Terraform runs in for one environment (cdktf's layout). */
export function stackDir(ws: Workspace, environment: string): string {
  return join(ws.cdktfOut, WORKSPACE.stacks, environment);
}

/** The synthesized Terraform JSON of one environment. */
export function stackFile(ws: Workspace, environment: string): string {
  return join(stackDir(ws, environment), WORKSPACE.stackFile);
}

export function stateFile(ws: Workspace, environment: string): string {
  return join(ws.stateDir, WORKSPACE.stateFile(environment));
}

/** The local backend's path as Terraform reads it: relative to the stack folder it runs in. */
export function localStatePath(ws: Workspace, environment: string): string {
  return relative(stackDir(ws, environment), stateFile(ws, environment));
}
