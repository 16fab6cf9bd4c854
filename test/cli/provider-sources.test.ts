import { dependentsOf, providerConfigurationSources, type StackJson } from '../../cli/stack-json';
import { definitions } from '../helpers';
import { synthesized, type TerraformJson } from '../infra/stack-fixture';

/** Addresses a JSON value refers to, among the stack's resources. */
function references(json: TerraformJson, value: unknown): Set<string> {
  const text = JSON.stringify(value);
  const found = new Set<string>();
  for (const [type, byName] of Object.entries(json.resource))
    for (const name of Object.keys(byName)) if (new RegExp(`\\b${type}\\.${name}(?![\\w-])`).test(text)) found.add(`${type}.${name}`);
  return found;
}

/** Everything `terraform apply -target=<address>` also applies: the address and what it refers to, transitively. */
function targetClosure(json: TerraformJson, addresses: string[]): Set<string> {
  const closure = new Set<string>();
  const visit = (address: string) => {
    if (closure.has(address)) return;
    closure.add(address);
    const [type, name] = address.split('.');
    for (const next of references(json, json.resource[type][name])) visit(next);
  };
  addresses.forEach(visit);
  return closure;
}

describe.each(Object.keys(definitions))('the cluster-first apply of environment %s', (name) => {
  const json = synthesized(name).parsed;
  const targets = providerConfigurationSources(json as unknown as StackJson);

  it('targets exactly the resources a provider block refers to: the AKS cluster the kubernetes provider takes its credentials from', () => {
    const cluster = Object.keys(json.resource.azurerm_kubernetes_cluster).map((n) => `azurerm_kubernetes_cluster.${n}`);
    expect(targets).toEqual(cluster);
    expect([...references(json, json.provider)].sort()).toEqual(targets);
    expect(JSON.stringify(json.provider.kubernetes)).toContain(`${cluster[0]}.kube_config[0].host`);
  });

  it('needs no provider configured from the stack itself: nothing it applies is managed through the kubernetes provider', () => {
    // Were the cluster to wait for a kubernetes resource, the targeted apply would plan that
    // resource too, with the provider unconfigured: the very failure it exists to avoid.
    const closure = [...targetClosure(json, targets)];
    expect(closure.length).toBeGreaterThan(1);
    expect(closure.filter((a) => a.startsWith('kubernetes_'))).toEqual([]);
    expect(closure.some((a) => a.startsWith('azurerm_role_assignment.'))).toBe(true);
  });

  it('leaves the kubernetes resources (the sealing key) to the full apply, which finds the cluster applied', () => {
    const kubernetes = Object.entries(json.resource)
      .filter(([type]) => type.startsWith('kubernetes_'))
      .flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));
    expect(kubernetes.length).toBeGreaterThan(0);
    const closure = targetClosure(json, targets);
    for (const address of kubernetes) expect(closure.has(address)).toBe(false);
  });
});

describe('providerConfigurationSources', () => {
  const stack = (provider: Record<string, unknown>): StackJson => ({
    provider,
    resource: {
      azurerm_kubernetes_cluster: { A: {} },
      tls_private_key: { K: {} },
      azurerm_resource_group: { RG: {} },
    },
  });

  it('reads references inside function calls, in every provider, once each, sorted', () => {
    expect(
      providerConfigurationSources(
        stack({
          kubernetes: [
            { host: '${azurerm_kubernetes_cluster.A.kube_config[0].host}', key: '${base64decode(tls_private_key.K.private_key_pem)}' },
          ],
          helm: [{ kubernetes: [{ host: '${azurerm_kubernetes_cluster.A.fqdn}' }] }],
        }),
      ),
    ).toEqual(['azurerm_kubernetes_cluster.A', 'tls_private_key.K']);
  });

  it('ignores variables, data sources, locals, literals and names of resources the stack does not hold', () => {
    expect(
      providerConfigurationSources(
        stack({
          azurerm: [{ subscription_id: '${var.subscription}', features: [{}] }],
          kubernetes: [
            {
              host: '${data.azurerm_kubernetes_cluster.A.kube_config[0].host}',
              token: '${local.token}',
              config_context: 'azurerm_resource_group.RG',
              proxy_url: '${azurerm_kubernetes_cluster.B.fqdn}',
            },
          ],
        }),
      ),
    ).toEqual([]);
    expect(providerConfigurationSources({ resource: {} })).toEqual([]);
  });
});

describe.each(Object.keys(definitions).filter((n) => definitions[n].storage?.persistAuth !== 'workloadIdentity'))(
  "rotate-sas's targets in environment %s",
  (name) => {
    const json = synthesized(name).parsed as unknown as StackJson & TerraformJson;
    const clock = `time_rotating.${Object.keys(json.resource.time_rotating)[0]}`;
    const targets = dependentsOf(json, clock);

    it('are the rotation clock, the SAS data source that reads it and the alert rules that warn before it expires, and nothing else', () => {
      const rules = Object.keys(json.resource.azurerm_monitor_alert_prometheus_rule_group ?? {}).map(
        (k) => `azurerm_monitor_alert_prometheus_rule_group.${k}`,
      );
      expect(targets).toEqual([
        ...rules,
        `data.azurerm_storage_account_sas.${Object.keys(json.data!.azurerm_storage_account_sas)[0]}`,
        clock,
      ]);
    });

    it('reach no kubernetes resource, and leave every output that carries the SAS derivable from them', () => {
      expect(targets.some((t) => t.startsWith('kubernetes_'))).toBe(false);
      // Terraform updates a root output whose resources are all in the targeted set (the targets and what they refer to).
      const sasData = targets.find((t) => t.startsWith('data.'))!;
      const outputs = (json as unknown as { output: Record<string, { value: string }> }).output;
      const carrying = Object.entries(outputs).filter(
        ([, o]) => JSON.stringify(o.value).includes(sasData) || JSON.stringify(o.value).includes(clock),
      );
      expect(carrying.map(([k]) => k).sort()).toEqual(['persist_backend_url', 'persist_sas_expiry']);
    });
  },
);

describe('dependentsOf', () => {
  it('follows references through resources and data sources, transitively, and ignores unknown names', () => {
    const stack: StackJson = {
      resource: {
        a_thing: { one: { x: 'literal' }, two: { x: '${a_thing.one.id}' }, four: { y: '${var.a_thing}' } },
        b_thing: { three: { list: ['${upper(data.c_src.read.value)}'] } },
      },
      data: { c_src: { read: { input: '${a_thing.two.id}' } } },
    };
    expect(dependentsOf(stack, 'a_thing.one')).toEqual(['a_thing.one', 'a_thing.two', 'b_thing.three', 'data.c_src.read']);
    expect(dependentsOf(stack, 'b_thing.three')).toEqual(['b_thing.three']);
  });
});
