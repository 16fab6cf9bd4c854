import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../cli/main';
import { renderGitops } from '../../manifests/gitops';
import { RENDERED_OBJECTS, type KubeObject } from '../../manifests/render';
import { allocatable } from '../../model/capacity';
import { OBSERVABILITY } from '../../model/contract';
import type { EnvironmentDefinition } from '../../model/environment';
import { MATERIALIZE_SCRAPERS } from '../../model/generated/materialize-scrapers';
import { loadEnvironment } from '../../model/load';
import { EnvironmentValidationError } from '../../model/validate';
import { generateScrapers, SCRAPER_FILES } from '../../scripts/gen-scrapers';
import { exampleWith, REPO_ROOT } from '../helpers';
import { reference } from '../support/reference';
import { stackJson, type TerraformJson } from './stack-fixture';

/** Observability on by default, and `observability.enabled: false` removing all of it. */
function stack(def: EnvironmentDefinition): TerraformJson {
  return stackJson(loadEnvironment(def));
}

function gitopsObjects(def: EnvironmentDefinition): KubeObject[] {
  const tree = renderGitops(loadEnvironment(def), {
    environmentsDir: join(REPO_ROOT, 'environments'),
    previousDir: '/nonexistent',
    environmentIdChangeAccepted: true,
  }).files as Map<string, string>;
  return [...RENDERED_OBJECTS.get(tree)!.values()];
}

const OBSERVABILITY_TYPES = [
  'azurerm_dashboard_grafana',
  'azurerm_monitor_action_group',
  'azurerm_monitor_alert_prometheus_rule_group',
  'azurerm_monitor_data_collection_endpoint',
  'azurerm_monitor_data_collection_rule',
  'azurerm_monitor_data_collection_rule_association',
  'azurerm_monitor_workspace',
];

const on = exampleWith((d) => {
  d.observability = {
    grafanaAdmins: ['3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    grafanaViewers: ['9a0c3f25-04e0-4f89-41d3-0305e82c3302'],
    alerts: { emails: ['oncall@example.com'], webhook: true },
  };
});
const off = exampleWith((d) => (d.observability = { enabled: false }));

describe('observability in the Azure stack', () => {
  const json = stack(on);
  const one = (type: string) => Object.values(json.resource[type])[0] as Record<string, any>;

  it("turns on AKS's managed Prometheus and sends its stream into the workspace through a rule associated with the cluster", () => {
    expect(one('azurerm_kubernetes_cluster').monitor_metrics).toEqual({});
    const rule = one('azurerm_monitor_data_collection_rule');
    expect(rule.data_sources.prometheus_forwarder[0].streams).toEqual([OBSERVABILITY.prometheusStream]);
    expect(rule.data_flow[0]).toEqual({ streams: [OBSERVABILITY.prometheusStream], destinations: ['workspace'] });
    expect(rule.destinations.monitor_account[0].monitor_account_id).toMatch(/^\$\{azurerm_monitor_workspace\.\w+\.id\}$/);
    expect(one('azurerm_monitor_data_collection_rule_association').target_resource_id).toMatch(
      /^\$\{azurerm_kubernetes_cluster\.\w+\.id\}$/,
    );
  });

  it('links Grafana 11 to the workspace, lets it read the metrics, and gives the people named their Grafana roles', () => {
    const grafana = one('azurerm_dashboard_grafana');
    expect(grafana).toMatchObject({ name: 'mzexample-grafana', grafana_major_version: '11', identity: { type: 'SystemAssigned' } });
    const roles = Object.values(json.resource.azurerm_role_assignment).map((r) => [r.role_definition_name, r.principal_id]);
    expect(roles).toEqual(
      expect.arrayContaining([
        ['Monitoring Data Reader', expect.stringMatching(/azurerm_dashboard_grafana\.\w+\.identity\[0\]\.principal_id/)],
        ['Grafana Admin', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
        ['Grafana Viewer', '9a0c3f25-04e0-4f89-41d3-0305e82c3302'],
      ]),
    );
  });

  it('alerts through an action group that mails and posts to the webhook from a sensitive variable, each rule naming its runbook', () => {
    const group = one('azurerm_monitor_action_group');
    expect(group.short_name).toBe('mzexample');
    expect(group.email_receiver).toEqual([{ name: 'email-1', email_address: 'oncall@example.com', use_common_alert_schema: true }]);
    expect(group.webhook_receiver[0].service_uri).toBe('${var.alert_webhook_url}');
    expect(json.variable!.alert_webhook_url.sensitive).toBe(true);
    const rules = one('azurerm_monitor_alert_prometheus_rule_group').rule as {
      alert: string;
      expression: string;
      annotations: { runbook: string };
    }[];
    expect(rules.map((r) => r.alert)).toEqual([
      'MaterializeEnvironmentdNotReady',
      'MaterializeBalancerdNotReady',
      'MaterializePodRestarting',
      'MaterializeReplicaCrashLooping',
      'MaterializeOutOfMemory',
      'MaterializePodUnschedulable',
      'MaterializePoolNearCapacity',
      'MaterializeSourceNotIngesting',
      'MaterializePersistErrors',
      'MaterializeMetadataStoreErrors',
      'MaterializeCertificateExpiring',
      'MaterializePersistSasExpiring',
    ]);
    for (const r of rules) expect(r.annotations.runbook).toMatch(/README "What each alert means"/);
    // Every command a runbook names exists, and the README's alert table lists every alert.
    const commands = buildProgram(undefined, { all: true }).commands;
    for (const [, cmd, sub] of rules.flatMap((r) => [...r.annotations.runbook.matchAll(/mzops ([a-z-]+)(?: ([a-z-]+))?/g)])) {
      const found = commands.find((c) => c.name() === cmd);
      expect([cmd, found !== undefined]).toEqual([cmd, true]);
      if (sub && found!.commands.length > 0 && !sub.startsWith('example')) expect(found!.commands.map((c) => c.name())).toContain(sub);
    }
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const r of rules) expect(readme).toContain(`| \`${r.alert}\``);
    // Thresholds from the environment: 85% of what 4 E4pds_v6 hold for pods, and the SAS expiry from Terraform's clock.
    const bytes = Math.floor((allocatable('Standard_E4pds_v6')!.memoryMi * 1024 * 1024 * 4 * 85) / 100);
    expect(rules.find((r) => r.alert === 'MaterializePoolNearCapacity')!.expression).toMatch(new RegExp(`> ${bytes}$`));
    expect(rules.find((r) => r.alert === 'MaterializePersistSasExpiring')!.expression).toMatch(
      /^vector\(time\(\)\) > \$\{time_rotating\.\w+\.unix\} \+ \d+ - 1209600$/,
    );
    expect(json.output.grafana_endpoint.value).toMatch(/azurerm_dashboard_grafana/);
    expect(json.output.prometheus_query_endpoint.value).toMatch(/azurerm_monitor_workspace\.\w+\.query_endpoint/);
  });

  it('is all gone with observability.enabled: false, in Azure and in the GitOps folder', () => {
    const without = stack(off);
    for (const type of OBSERVABILITY_TYPES) {
      expect([type, Object.keys(json.resource[type] ?? {}).length > 0]).toEqual([type, true]);
      expect([type, without.resource[type]]).toEqual([type, undefined]);
    }
    expect(Object.values(without.resource.azurerm_kubernetes_cluster)[0].monitor_metrics).toBeUndefined();
    expect(without.output.grafana_endpoint).toBeUndefined();
    const kinds = (objs: KubeObject[]) =>
      objs
        .filter((o) => [o.metadata.namespace, o.metadata.name].includes(OBSERVABILITY.namespace) || o.metadata.name.includes('metrics'))
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort();
    expect(kinds(gitopsObjects(on))).toEqual([
      'ConfigMap/ama-metrics-settings-configmap',
      'Namespace/materialize-monitoring',
      'NetworkPolicy/materialize-metrics-ingress',
      'NetworkPolicy/materialize-operator-metrics-ingress',
      'PodMonitor/cert-manager',
      'PodMonitor/clusterd',
      'PodMonitor/environmentd',
      'PodMonitor/materialize-operator',
      'PodMonitor/materialize-sql',
      'Role/ama-metrics-secrets-reader',
      'RoleBinding/ama-metrics-secrets-reader',
      'SealedSecret/materialize-sql-monitor',
    ]);
    expect(kinds(gitopsObjects(off))).toEqual([]);
  });

  it('puts the scrape definitions in a Flux layer of their own: a missing PodMonitor kind stalls it alone, never the instance', () => {
    const layers = (def: EnvironmentDefinition) =>
      gitopsObjects(def)
        .filter((o) => o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit'))
        .map((o) => [o.metadata.name, ((o as { spec?: { dependsOn?: { name: string }[] } }).spec?.dependsOn ?? []).map((d) => d.name)]);
    expect(layers(on)).toEqual([
      ['infrastructure', []],
      ['instance', ['infrastructure']],
      ['monitoring', ['infrastructure']],
    ]);
    expect(layers(off)).toEqual([
      ['infrastructure', []],
      ['instance', ['infrastructure']],
    ]);
    const monitoringKinds = new Set(
      gitopsObjects(on)
        .filter((o) => o.kind === 'PodMonitor')
        .map((o) => o.kind),
    );
    expect([...monitoringKinds]).toEqual(['PodMonitor']);
    // Terraform's root kustomization waits for every layer: its timeout covers the monitoring one too.
    const root = Object.values(json.resource.azurerm_kubernetes_flux_configuration)[0] as {
      kustomizations: { timeout_in_seconds: number }[];
    };
    expect(root.kustomizations[0].timeout_in_seconds).toBe((15 + 30 + 10 + 5) * 60);
  });

  it('is off by default only beside the throwaway single-node system pool, which cannot hold its collectors', () => {
    expect(loadEnvironment(exampleWith(() => undefined)).observability.enabled).toBe(true);
    expect(loadEnvironment(exampleWith((d) => (d.aks = { ...d.aks, throwawaySystemPool: true }))).observability.enabled).toBe(false);
    try {
      loadEnvironment(
        exampleWith((d) => {
          d.aks = { ...d.aks, throwawaySystemPool: true };
          d.observability = { enabled: true };
        }),
      );
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(EnvironmentValidationError);
      // The pool that holds the operator alone cannot hold the collectors as well.
      expect((e as EnvironmentValidationError).problems.map((p) => [p.field, p.rule.slice(0, 40)])).toEqual([
        ['aks.systemPool', 'must hold its pods: 1 x Standard_B2s (12'],
      ]);
    }
  });

  it('refuses an object ID that is no UUID and an address that is no email, naming the field', () => {
    const problems = (o: EnvironmentDefinition['observability']) => {
      try {
        loadEnvironment(exampleWith((d) => (d.observability = o)));
        return [];
      } catch (e) {
        return (e as EnvironmentValidationError).problems.map((p) => p.field);
      }
    };
    expect(problems({ grafanaAdmins: ['alice@example.com'] })).toEqual(['observability.grafanaAdmins[0]']);
    expect(problems({ alerts: { emails: ['oncall'] } })).toEqual(['observability.alerts.emails[0]']);
  });
});

describe("Materialize's scrape definitions", () => {
  it('model/generated/materialize-scrapers.ts is what the generator makes from materialize-monitoring 0.18.1 today', () => {
    const fresh = generateScrapers(
      SCRAPER_FILES.map((f) => [
        f,
        readFileSync(reference(`charts/materialize-monitoring-0.18.1/pre-rendered/scrapers/prometheus-operator/${f}`), 'utf8'),
      ]),
    );
    expect(readFileSync(join(REPO_ROOT, 'model', 'generated', 'materialize-scrapers.ts'), 'utf8')).toBe(fresh);
    expect(MATERIALIZE_SCRAPERS.map((s) => s.name)).toEqual(['environmentd', 'materialize-sql', 'clusterd', 'materialize-operator']);
  });
});
