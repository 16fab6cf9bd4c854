import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as prettier from 'prettier';
import { envTemplate, withVariablesTable } from '../model/variables';

/** `npm run env-template`: writes .env.template and the README's variables table from the variable registry; a test compares them. */
async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  writeFileSync(join(root, '.env.template'), envTemplate());
  const readme = join(root, 'README.md');
  // Formatted as npm test's prettier check will read it.
  const options = { ...(await prettier.resolveConfig(readme)), filepath: readme };
  writeFileSync(readme, await prettier.format(withVariablesTable(readFileSync(readme, 'utf8')), options));
}

void main();
