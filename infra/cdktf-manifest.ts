import { WORKSPACE } from '../model/contract';

/**
 * cdktf's index of its stacks (`cdktf.out/manifest.json`), which this renderer owns: cdktf deletes
 * every stack folder its manifest does not list (and Terraform's files with it), so after a run
 * narrowed to some environments the index must still list the stacks it did not render.
 */
interface CdktfManifest {
  version?: string;
  stacks: Record<string, unknown>;
}

function parse(text: string | undefined): CdktfManifest | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as CdktfManifest;
    return parsed && typeof parsed.stacks === 'object' && parsed.stacks !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The entry cdktf writes for a stack, for stack folders an unreadable manifest no longer lists. */
function entry(name: string): unknown {
  const dir = `${WORKSPACE.stacks}/${name}`;
  return {
    annotations: [],
    constructPath: name,
    dependencies: [],
    name,
    stackMetadataPath: `${dir}/metadata.json`,
    synthesizedStackPath: `${dir}/${WORKSPACE.stackFile}`,
    workingDirectory: dir,
  };
}

export const CDKTF_MANIFEST = {
  /** The index's file name inside cdktf's output folder. */
  file: WORKSPACE.manifest,
  /**
   * The fresh index with the stacks in `keep` (folders this run did not render) listed as the
   * previous index had them, or as cdktf would; undefined when the fresh one is unreadable.
   */
  merge(previous: string | undefined, fresh: string, keep: readonly string[]): string | undefined {
    const now = parse(fresh);
    if (!now) return undefined;
    const before = parse(previous);
    const stacks: Record<string, unknown> = {};
    for (const name of keep) stacks[name] = before?.stacks[name] ?? entry(name);
    Object.assign(stacks, now.stacks);
    const merged = { stacks: Object.fromEntries(Object.entries(stacks).sort(([a], [b]) => a.localeCompare(b))), version: now.version };
    return `${JSON.stringify(merged, null, 2)}\n`;
  },
};
