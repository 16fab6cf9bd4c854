import { referenceFile } from '../../core/reference-data';
import { REPO_ROOT } from '../helpers';

/** An upstream file, read from the checksummed cache (`npm run reference` fills it); never from ../shared. */
export function reference(path: string): string {
  return referenceFile(REPO_ROOT, path);
}
