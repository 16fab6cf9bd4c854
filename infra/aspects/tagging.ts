import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

interface Taggable extends IConstruct {
  tags: Record<string, string> | undefined;
  readonly tagsInput: Record<string, string> | undefined;
}

function isTaggable(node: IConstruct): node is Taggable {
  return 'tags' in node && 'tagsInput' in node;
}

/** Puts the environment's tags on every taggable resource; a resource's own tags win. */
export class TaggingAspect implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}

  visit(node: IConstruct): void {
    if (isTaggable(node)) {
      // tagsInput, not tags: reading tags would return a token that refers to the resource itself.
      node.tags = { ...this.tags, ...(node.tagsInput ?? {}) };
    }
  }
}
