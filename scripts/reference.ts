import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { explain } from '../cli/errors';
import { fillReferenceCache } from '../core/reference-data';
import { REPOSITORY_ROOT } from '../core/workspace';
import { VARIABLES } from '../model/variables';

/**
 * `npm run reference`: fills .reference/ with the upstream files reference.json pins, from a
 * mirror when one is at hand (offline machines), else from their URLs; every file checksummed.
 */
const mirrors = [process.env[VARIABLES.referenceMirror.name], join(REPOSITORY_ROOT, '..', 'shared', 'reference')]
  .filter((dir): dir is string => Boolean(dir))
  .map((dir) => resolve(dir))
  .filter((dir) => existsSync(dir));

fillReferenceCache({ root: REPOSITORY_ROOT, mirrors, log: (line) => process.stderr.write(`${line}\n`) }).then(
  ({ counts, files }) => {
    const from = mirrors.length ? ` (mirror: ${mirrors.join(', ')})` : '';
    process.stdout.write(
      `reference: ${files} files verified: ${counts.cached} already cached, ${counts.mirror} from the mirror, ${counts.downloaded} downloaded${from}\n`,
    );
  },
  (e: unknown) => {
    process.stderr.write(`${explain(e)}\n`);
    process.exit(1);
  },
);
