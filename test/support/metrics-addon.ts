import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { RenderedObject } from './helm';
import { reference } from './reference';

const CHART = 'charts/azure-monitor-metrics-addon-db003563';

let cached: RenderedObject[] | undefined;

/**
 * AKS's managed Prometheus add-on chart (Azure/prometheus-collector at db003563), rendered with
 * helm as AKS would for a Standard cluster on Kubernetes 1.36. Its Chart-template.yaml and
 * values-template.yaml carry `${...}` placeholders AKS fills in (image tags, region, cluster id):
 * a copy gets dummy values for them, and loses the node-exporter dependency, which AKS does not
 * include (IncludeDependentCharts; node-exporter runs on the node image).
 */
export function renderMetricsAddon(): RenderedObject[] {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'mz-ama-metrics-'));
  try {
    cpSync(reference(CHART), dir, { recursive: true });
    const fill = (from: string, to: string, edit: (s: string) => string = (s) => s) => {
      writeFileSync(join(dir, to), edit(readFileSync(join(dir, from), 'utf8').replace(/\$\{[A-Z_]+\}/g, 'placeholder')));
      if (from !== to) rmSync(join(dir, from));
    };
    fill('Chart-template.yaml', 'Chart.yaml', (s) => s.replace(/^version:.*$/m, 'version: 0.0.1').replace(/^dependencies:[\s\S]*$/m, ''));
    fill('values-template.yaml', 'values.yaml');
    renameSync(dir, `${dir}-chart`);
    const chart = `${dir}-chart`;
    const r = spawnSync(
      'helm',
      [
        'template',
        'ama-metrics',
        chart,
        '--namespace',
        'kube-system',
        '--set',
        'Azure.Cluster.Kind=standard',
        '--set',
        'global.commonGlobals.Versions.Kubernetes=1.36.0',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    rmSync(chart, { recursive: true, force: true });
    if (r.error) throw new Error(`helm could not run (${r.error.message})`);
    if (r.status !== 0) throw new Error(`helm template of the metrics add-on failed: ${r.stderr}`);
    cached = parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as RenderedObject | null)
      .filter((o): o is RenderedObject => !!o && typeof o === 'object' && 'kind' in o);
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A workload of the add-on by kind and name. */
export function addonWorkload(kind: 'Deployment' | 'DaemonSet', name: string): RenderedObject {
  const found = renderMetricsAddon().find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`the metrics add-on renders no ${kind} ${name}`);
  return found;
}
