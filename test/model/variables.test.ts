import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envTemplate, VARIABLES, withVariablesTable } from '../../model/variables';
import { REPO_ROOT } from '../helpers';

describe('the variable registry', () => {
  it("is the README's variables table (npm run env-template regenerates it)", () => {
    const file = join(REPO_ROOT, 'README.md');
    const readme = readFileSync(file, 'utf8');
    // Prettier 3 loads its plugins with dynamic import, which jest's CommonJS runtime refuses: format in a child, as npm test does.
    const formatted = execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'prettier'), ['--stdin-filepath', file], {
      input: withVariablesTable(readme),
      encoding: 'utf8',
      cwd: REPO_ROOT,
    });
    expect(formatted).toBe(readme);
    expect(readme).toContain('| `EVENTHUBS_PUBLISHER_CONNECTION_STRING` |');
  });

  it('is what .env.template says (npm run env-template regenerates it)', () => {
    expect(readFileSync(join(REPO_ROOT, '.env.template'), 'utf8')).toBe(envTemplate());
  });

  it('names every variable the CLI reads: no other MZ_, ARM_, EVENTHUBS_ or PGSSL literal in its source', () => {
    const hits = execFileSync('grep', ['-rhoE', '\\b(MZ|ARM|EVENTHUBS|PGSSL)[A-Z]*_[A-Z_]*[A-Z]\\b', 'cli', 'core'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    expect(hits.length).toBeGreaterThan(5);
    const known = new Set<string>(Object.values(VARIABLES).map((v) => v.name));
    // MZ_ROLE_PASSWORD_<ROLE> is a family, named by rolePasswordVariable().
    const strays = [...new Set(hits)].filter((name) => !known.has(name) && !name.startsWith('MZ_ROLE_PASSWORD'));
    expect(strays).toEqual([]);
  });
});
