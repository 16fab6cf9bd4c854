/**
 * The one-line description of each command, in the order `--help` lists them: data only, so that the
 * listing (cli/commands/catalog.ts) and each command module read the same text without loading one
 * another.
 */
export const COMMAND_DESCRIPTIONS = {
  seal: 'seal the backend secret (Terraform outputs + MZ_LICENSE_KEY, MZ_SYSTEM_PASSWORD) into environments/<environment>.sealed.json',
  deploy: 'deploy Azure resources, seal, synthesize, and (with --push) commit, push and wait for Flux',
  ca: "fetch the instance's CA certificate (what SQL and console clients verify TLS against) into .mzops/<environment>/ca.crt",
  doctor: 'check variables, PostgreSQL, Blob Storage and the cluster; ok, warn or fail with the fix',
  status:
    'Flux readiness, the Materialize rollout, pods, Services with their addresses, persist usage, and the health figures from metrics',
  dashboards: "provision Materialize's dashboards and a cluster overview into the environment's Managed Grafana, from the repository",
  rollout: 'force environmentd onto a new generation (a new rollout epoch), though nothing else changed',
  promote: 'ManuallyPromote: promote the rollout waiting at ReadyToPromote (sets forcePromote through Git)',
  upgrade: 'upgrade the operator and environmentd to one version: Flux applies the operator first, then the instance rolls out',
  'rotate-sas': 'issue a new SAS (applying only it), re-seal and roll out (Materialize never refreshes a SAS)',
  recreate: 'start fresh with a new environmentId (all current data becomes unreachable)',
  sql: 'Event Hubs sources, views and roles in Materialize',
  'sample-data': 'produce sample orders (append-only) or customers (upserts keyed by customer_id) to Event Hubs over Kafka',
  diff: 'what a change does to the running system: renders the base and the working tree (or --head) and classifies each difference',
} as const;

export type CommandName = keyof typeof COMMAND_DESCRIPTIONS;

/** The description of a command, for the module that registers it. */
export function describe(name: CommandName): string {
  return COMMAND_DESCRIPTIONS[name];
}
