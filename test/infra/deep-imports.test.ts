import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../helpers';

const SOURCE_DIRS = ['environments', 'model', 'infra', 'manifests', 'imports', 'cli', 'scripts', 'test'];

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'node_modules' || f === '__snapshots__' ? [] : tsFiles(p);
    return f.endsWith('.ts') ? [p] : [];
  });
}

describe('provider imports', () => {
  // The barrel loads 1,527 modules: about 10x the synth time and 400 MB.
  it('import every @cdktf/provider-* by deep path only', () => {
    const offenders: string[] = [];
    for (const file of SOURCE_DIRS.flatMap((d) => tsFiles(join(REPO_ROOT, d)))) {
      const text = readFileSync(file, 'utf8');
      const re = /(?:from\s+|require\(\s*|import\(\s*)['"](@cdktf\/provider-[a-z]+)(\/[^'"]*)?['"]/g;
      for (const m of text.matchAll(re)) {
        if (!m[2] || !m[2].startsWith('/lib/')) offenders.push(`${relative(REPO_ROOT, file)}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('pins cdktf, cdktf-cli and every provider exactly', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    const pinned = Object.entries(all).filter(([name]) => /^(cdktf|cdktf-cli|constructs|@cdktf\/provider-.*)$/.test(name));
    expect(pinned.map(([n]) => n).sort()).toEqual(
      [
        '@cdktf/provider-azurerm',
        '@cdktf/provider-kubernetes',
        '@cdktf/provider-random',
        '@cdktf/provider-time',
        '@cdktf/provider-tls',
        'cdktf',
        'cdktf-cli',
        'constructs',
      ].sort(),
    );
    for (const [name, version] of pinned) expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
    expect(all.cdktf).toBe('0.21.0');
    expect(all['@cdktf/provider-azurerm']).toBe('14.23.1');
    expect(all['@cdktf/provider-kubernetes']).toBe('12.1.1');
  });
});
