import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `cdk8s import k8s@<version>` from the checksummed reference cache instead of the network: the
 * cdk8s CLI downloads the definitions from a fixed GitHub URL (cdk8s-cli lib/import/k8s.js,
 * downloadSchema), so its download function is pointed at the cache's copy of that very file
 * (reference.json pins its URL and sha256). The generated bindings are otherwise the CLI's own.
 */
async function main(): Promise<void> {
  const [version, outdir = 'imports'] = process.argv.slice(2);
  if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) {
    process.stderr.write('usage: import-k8s.ts <major.minor.patch> [outdir]\n');
    process.exit(2);
  }
  const root = resolve(__dirname, '..');
  const file = join(root, '.reference', 'k8s-schemas', `v${version}_definitions.json`);
  // The package's exports map hides lib/: its files are required by path.
  const cli = join(root, 'node_modules', 'cdk8s-cli', 'lib');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const util = require(join(cli, 'util.js')) as { download: (url: string) => Promise<string> };
  util.download = async (url: string) => {
    if (!url.endsWith(`/kubernetes-schemas/v${version}/_definitions.json`)) throw new Error(`unexpected download ${url}`);
    return readFileSync(file, 'utf8');
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ImportKubernetesApi } = require(join(cli, 'import', 'k8s.js')) as {
    ImportKubernetesApi: new (o: { apiVersion: string }) => { import(o: object): Promise<void> };
  };
  await new ImportKubernetesApi({ apiVersion: version }).import({ targetLanguage: 'typescript', outdir: resolve(root, outdir) });
}

main().catch((e: Error) => {
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 1;
});
