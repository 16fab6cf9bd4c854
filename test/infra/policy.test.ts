import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { PostgresqlFlexibleServer } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
import { PostgresqlFlexibleServerFirewallRule } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-firewall-rule';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { KubernetesFluxConfiguration } from '@cdktf/provider-azurerm/lib/kubernetes-flux-configuration';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PostgresqlFlexibleServerDatabase } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server-database';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { Aspects, Fn, Testing, TerraformStack } from 'cdktf';
import { ALL_RULES, type PolicyRule } from '../../infra/policy/rules';
import { POLICY_RULES, type PolicyRuleId } from '../../model/policy';
import { PolicyChecks } from '../../infra/policy/policy-checks';
import { TaggingAspect } from '../../infra/aspects/tagging';

/** A stack holding exactly the resources a test adds, checked by the policy aspect. */
function stackWith(add: (stack: TerraformStack) => void, dataProtection = true): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'policy');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  new TlsProvider(stack, 'tls');
  add(stack);
  Aspects.of(stack).add(new PolicyChecks({ dataProtection }));
  return stack;
}

const rg = { resourceGroupName: 'rg', location: 'eastus2' };
const goodAccount = {
  ...rg,
  name: 'acct',
  accountTier: 'Standard',
  accountReplicationType: 'LRS',
  minTlsVersion: 'TLS1_2',
  allowNestedItemsToBePublic: false,
  lifecycle: { preventDestroy: true },
};

/** An Event Hubs namespace whose firewall has this default action and admits this one range. */
const eventHubsBehind = (s: TerraformStack, defaultAction: string, ipMask: string) =>
  new EventhubNamespace(s, 'eh', {
    ...rg,
    name: 'eh',
    sku: 'Standard',
    minimumTlsVersion: '1.2',
    networkRulesets: [{ defaultAction, ipRule: [{ ipMask, action: 'Allow' }] }],
  });

describe('policy aspects fail the synth', () => {
  const cases: [string, string, (s: TerraformStack) => void, boolean?][] = [
    ['MZ-STG-1', 'minTlsVersion TLS1_2', (s) => new StorageAccount(s, 'sa', { ...goodAccount, minTlsVersion: 'TLS1_0' })],
    ['MZ-STG-2', 'plain HTTP', (s) => new StorageAccount(s, 'sa', { ...goodAccount, httpsTrafficOnlyEnabled: false })],
    ['MZ-STG-3', 'allowNestedItemsToBePublic', (s) => new StorageAccount(s, 'sa', { ...goodAccount, allowNestedItemsToBePublic: true })],
    [
      'MZ-STG-4',
      'must be private',
      (s) =>
        new StorageContainer(s, 'c', {
          name: 'c',
          storageAccountId: 'x',
          containerAccessType: 'blob',
          lifecycle: { preventDestroy: true },
        }),
    ],
    [
      'MZ-PG-1',
      '0.0.0.0-0.0.0.0',
      (s) =>
        new PostgresqlFlexibleServerFirewallRule(s, 'fw', {
          name: 'azure',
          serverId: 'x',
          startIpAddress: '0.0.0.0',
          endIpAddress: '0.0.0.0',
        }),
    ],
    [
      'MZ-PG-1',
      'more than a /8',
      (s) =>
        new PostgresqlFlexibleServerFirewallRule(s, 'fw', {
          name: 'all',
          serverId: 'x',
          startIpAddress: '0.0.0.0',
          endIpAddress: '255.255.255.255',
        }),
    ],
    [
      'MZ-PG-2',
      'literal',
      (s) =>
        new PostgresqlFlexibleServer(s, 'pg', { ...rg, name: 'pg', administratorPassword: 'hunter2', lifecycle: { preventDestroy: true } }),
    ],
    [
      'MZ-AKS-1',
      'no network policy',
      (s) =>
        new KubernetesCluster(s, 'aks', {
          ...rg,
          name: 'aks',
          dnsPrefix: 'aks',
          oidcIssuerEnabled: true,
          workloadIdentityEnabled: true,
          defaultNodePool: { name: 'sys', vmSize: 'Standard_B2s' },
        }),
    ],
    [
      'MZ-AKS-2',
      'OIDC issuer',
      (s) =>
        new KubernetesCluster(s, 'aks', {
          ...rg,
          name: 'aks',
          dnsPrefix: 'aks',
          networkProfile: { networkPlugin: 'azure', networkPolicy: 'azure' },
          defaultNodePool: { name: 'sys', vmSize: 'Standard_B2s' },
        }),
    ],
    [
      'MZ-FLUX-1',
      'garbageCollectionEnabled',
      (s) =>
        new KubernetesFluxConfiguration(s, 'flux', {
          name: 'f',
          clusterId: 'x',
          namespace: 'n',
          kustomizations: [{ name: 'k', path: './p' }],
        }),
    ],
    ['MZ-EH-2', 'spans more than a /8', (s) => eventHubsBehind(s, 'Deny', '0.0.0.0/0')],
    ['MZ-EH-2', 'must refuse by default', (s) => eventHubsBehind(s, 'Allow', '203.0.113.0/24')],
    ['MZ-DATA-1', 'prevent_destroy', (s) => new StorageAccount(s, 'sa', { ...goodAccount, lifecycle: undefined })],
    [
      'MZ-DATA-1',
      'prevent_destroy',
      (s) =>
        new PostgresqlFlexibleServerDatabase(s, 'db', { name: 'materialize', serverId: 'x', charset: 'UTF8', collation: 'en_US.utf8' }),
    ],
    ['MZ-DATA-1', 'prevent_destroy', (s) => new PrivateKey(s, 'sealing', { algorithm: 'RSA', rsaBits: 4096 })],
    [
      'MZ-PG-1',
      'ranges must be literal',
      (s) =>
        new PostgresqlFlexibleServerFirewallRule(s, 'fw', {
          name: 'computed',
          serverId: 'x',
          startIpAddress: Fn.cidrhost('10.0.0.0/8', 0),
          endIpAddress: Fn.cidrhost('10.0.0.0/8', 255),
        }),
    ],
  ];

  it.each(cases)('%s rejects %s', (id, message, add) => {
    expect(() => Testing.fullSynth(stackWith(add))).toThrow(
      new RegExp(`\\[${id}\\][^\\n]*${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
  });

  it('passes compliant resources', () => {
    expect(() =>
      Testing.fullSynth(
        stackWith((s) => {
          new StorageAccount(s, 'sa', goodAccount);
          new PostgresqlFlexibleServerFirewallRule(s, 'fw', {
            name: 'office',
            serverId: 'x',
            startIpAddress: '203.0.113.0',
            endIpAddress: '203.0.113.255',
          });
          // One address Terraform computes (the cluster's egress IP) is one address.
          const egress = Fn.cidrhost('20.0.0.0/24', 7);
          new PostgresqlFlexibleServerFirewallRule(s, 'egress', {
            name: 'aks-egress',
            serverId: 'x',
            startIpAddress: egress,
            endIpAddress: egress,
          });
          new PrivateKey(s, 'sealing', { algorithm: 'RSA', rsaBits: 4096, lifecycle: { preventDestroy: true } });
        }),
      ),
    ).not.toThrow();
  });

  it('does not require prevent_destroy when data protection is off', () => {
    expect(() =>
      Testing.fullSynth(stackWith((s) => new StorageAccount(s, 'sa', { ...goodAccount, lifecycle: undefined }), false)),
    ).not.toThrow();
  });

  it('Testing.synth alone does not throw, which is why these tests use fullSynth', () => {
    expect(() => Testing.synth(stackWith((s) => new StorageAccount(s, 'sa', { ...goodAccount, minTlsVersion: 'TLS1_0' })))).not.toThrow();
  });
});

describe('tagging aspect', () => {
  it('merges environment tags under a resource own tags', () => {
    const stack = new TerraformStack(Testing.app(), 'tags');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    new StorageAccount(stack, 'sa', { ...goodAccount, tags: { owner: 'me', environment: 'override' } });
    Aspects.of(stack).add(new TaggingAspect({ environment: 'dev', 'managed-by': 'x' }));
    expect(Testing.synth(stack)).toHaveResourceWithProperties(StorageAccount, {
      tags: { environment: 'override', 'managed-by': 'x', owner: 'me' },
    });
  });
});

describe('policy suppressions and severities (the cdk-nag model)', () => {
  const openFirewall = (s: TerraformStack) =>
    new PostgresqlFlexibleServerFirewallRule(s, 'fw', {
      name: 'all',
      serverId: 'x',
      startIpAddress: '0.0.0.0',
      endIpAddress: '255.255.255.255',
    });
  const checked = (add: (s: TerraformStack) => void, context: ConstructorParameters<typeof PolicyChecks>[0], rules?: PolicyRule[]) => {
    const stack = new TerraformStack(Testing.app(), 'policy');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    add(stack);
    const checks = new PolicyChecks(context, rules);
    Aspects.of(stack).add(checks);
    return { stack, checks };
  };

  it('sets an error aside when the environment suppresses its rule with a reason, and records it', () => {
    const reason = 'a lab environment behind a firewall of its own';
    const { stack, checks } = checked(openFirewall, { dataProtection: true, suppressions: [{ rule: 'MZ-PG-1', reason }] });
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(checks.suppressed).toEqual([
      { rule: 'MZ-PG-1', path: 'policy/fw', violation: expect.stringMatching(/spans more than a \/8/), reason },
    ]);
  });

  it('scopes a suppression to the resource type it names', () => {
    const { stack } = checked(openFirewall, {
      dataProtection: true,
      suppressions: [
        { rule: 'MZ-PG-1', reason: 'only the server itself, not its rules', resourceType: 'azurerm_postgresql_flexible_server' },
      ],
    });
    expect(() => Testing.fullSynth(stack)).toThrow(/\[MZ-PG-1\]/);
  });

  it('annotates a warning without failing the synth', () => {
    const warning: PolicyRule = { ...ALL_RULES.find((r) => r.id === 'MZ-PG-1')!, severity: 'warning' };
    const { stack } = checked(openFirewall, { dataProtection: true }, [warning]);
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    const fw = stack.node.findChild('fw');
    expect(fw.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([
      expect.stringMatching(/^\[MZ-PG-1\] firewall rule 0\.0\.0\.0-255\.255\.255\.255 spans more than a \/8$/),
    ]);
  });

  it('checks exactly the rules the registry names, with its severities', () => {
    expect(ALL_RULES.map((r) => r.id).sort()).toEqual(Object.keys(POLICY_RULES).sort());
    for (const r of ALL_RULES) expect([r.id, r.severity]).toEqual([r.id, POLICY_RULES[r.id as PolicyRuleId].severity]);
  });
});
