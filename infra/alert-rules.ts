import { NAMESPACES } from '../model/contract';
import type { Environment } from '../model/environment';

/** One Prometheus alert rule, with the line of the README's alert table that says what to do. */
export interface AlertRule {
  readonly alert: string;
  /** PromQL; may hold a Terraform expression (the SAS rotation time). */
  readonly expression: string;
  /** How long the condition must hold, ISO 8601 (Azure's rule groups take PT<n>M). */
  readonly for: string;
  /** 0 (critical) to 4 (verbose), Azure Monitor's scale. */
  readonly severity: number;
  readonly summary: string;
  /** Where the fix is: a README anchor and the mzops command that diagnoses it. */
  readonly runbook: string;
}

export interface AlertInputs {
  readonly env: Environment;
  /** Bytes of memory the Materialize pool's nodes can hold for pods at maxCount (model/capacity.ts). */
  readonly poolAllocatableMemoryBytes: number;
  /** When the persist SAS expires, Unix seconds, as a PromQL scalar expression (Terraform's rotation base plus the validity). */
  readonly sasExpiryUnix?: string;
}

const RUNBOOK = 'README "What each alert means"';

/**
 * The failures users of this deployment meet, as Prometheus alert rules over what the add-on
 * collects: kube-state-metrics (kept past the minimal ingestion profile by the settings
 * ConfigMap, manifests/infrastructure/metrics-scraping.ts) and Materialize's own metrics
 * (materialize-monitoring's metric tiers name them: mz_source_offset_*, mz_persist_*_failures,
 * mz_dataflow_wallclock_lag_seconds).
 */
export function alertRules(inputs: AlertInputs): AlertRule[] {
  const { env } = inputs;
  const t = env.observability.alerts;
  const mz = `namespace="${NAMESPACES.instance}"`;
  const ours = `namespace=~"${NAMESPACES.instance}|${NAMESPACES.operator}"`;
  const doctor = `mzops doctor ${env.name}`;
  const rules: AlertRule[] = [
    {
      alert: 'MaterializeEnvironmentdNotReady',
      expression: `sum(kube_pod_status_ready{${mz}, condition="true", pod=~".*environmentd.*"}) < 1`,
      for: 'PT10M',
      severity: 1,
      summary: 'No environmentd pod is ready: SQL and the console are down',
      runbook: `${RUNBOOK}; ${doctor}; mzops status ${env.name}`,
    },
    {
      alert: 'MaterializeBalancerdNotReady',
      expression: `sum(kube_pod_status_ready{${mz}, condition="true", pod=~".*balancerd.*"}) < 1`,
      for: 'PT10M',
      severity: 1,
      summary: 'No balancerd pod is ready: clients cannot connect',
      runbook: `${RUNBOOK}; ${doctor}`,
    },
    {
      alert: 'MaterializePodRestarting',
      expression: `increase(kube_pod_container_status_restarts_total{${ours}}[1h]) > ${t.restartsPerHour}`,
      for: 'PT5M',
      severity: 2,
      summary: `A Materialize pod restarted more than ${t.restartsPerHour} times in an hour`,
      runbook: `${RUNBOOK}; kubectl -n ${NAMESPACES.instance} logs <pod> --previous`,
    },
    {
      alert: 'MaterializeReplicaCrashLooping',
      expression: `max by (pod, container) (kube_pod_container_status_waiting_reason{${mz}, reason="CrashLoopBackOff"}) > 0`,
      for: 'PT5M',
      severity: 1,
      summary: 'A Materialize pod (a cluster replica, environmentd or balancerd) is crash-looping',
      runbook: `${RUNBOOK}; kubectl -n ${NAMESPACES.instance} logs <pod> --previous`,
    },
    {
      alert: 'MaterializeOutOfMemory',
      expression: `max by (pod, container) (kube_pod_container_status_last_terminated_reason{${mz}, reason="OOMKilled"}) > 0 and on (pod, container) max by (pod, container) (increase(kube_pod_container_status_restarts_total{${mz}}[15m])) > 0`,
      for: 'PT1M',
      severity: 1,
      summary: 'A Materialize container was killed for running out of memory: give its cluster a larger size',
      runbook: `${RUNBOOK}; ALTER CLUSTER <name> SET (SIZE = ...) via eventHubs.clusters`,
    },
    {
      alert: 'MaterializePodUnschedulable',
      expression: `max by (namespace, pod) (kube_pod_status_unschedulable{${ours}}) > 0`,
      for: 'PT10M',
      severity: 2,
      summary: 'A Materialize pod cannot be scheduled: the pool is full or no node tolerates it',
      runbook: `${RUNBOOK}; raise aks.materializePool.maxCount; ${doctor}`,
    },
    {
      alert: 'MaterializePoolNearCapacity',
      expression: `sum(kube_pod_container_resource_requests{${mz}, resource="memory"}) > ${Math.floor((inputs.poolAllocatableMemoryBytes * t.poolUsagePercent) / 100)}`,
      for: 'PT15M',
      severity: 3,
      summary: `Materialize's pods request more than ${t.poolUsagePercent}% of the memory the Materialize pool holds at its maxCount`,
      runbook: `${RUNBOOK}; raise aks.materializePool.maxCount or its vmSize`,
    },
    {
      alert: 'MaterializeSourceNotIngesting',
      expression:
        `(max without (instance, pod) (mz_source_offset_known) - max without (instance, pod) (mz_source_offset_committed)) > 0 ` +
        `and max without (instance, pod) (increase(mz_source_offset_committed[${t.ingestionStalledMinutes}m])) == 0`,
      for: 'PT5M',
      severity: 2,
      summary: `A source has data waiting upstream and committed nothing for ${t.ingestionStalledMinutes} minutes`,
      runbook: `${RUNBOOK}; mzops sql verify ${env.name}; check the Event Hubs firewall (eventHubs.producerRanges)`,
    },
    {
      alert: 'MaterializePersistErrors',
      expression: 'sum(increase(mz_persist_blob_failures[10m])) + sum(increase(mz_persist_external_failed_count[10m])) > 0',
      for: 'PT5M',
      severity: 1,
      summary: 'Persist cannot read or write Blob Storage: check the SAS and the storage firewall',
      runbook: `${RUNBOOK}; ${doctor} (the SAS chain); mzops rotate-sas ${env.name}`,
    },
    {
      alert: 'MaterializeMetadataStoreErrors',
      expression: 'sum(increase(mz_persist_consensus_failures[10m])) > 0',
      for: 'PT5M',
      severity: 1,
      summary: "Persist's consensus in PostgreSQL is failing: check the metadata database",
      runbook: `${RUNBOOK}; ${doctor} (PostgreSQL)`,
    },
  ];
  if (env.materialize.certManager) {
    rules.push({
      alert: 'MaterializeCertificateExpiring',
      // cert-manager's controller exports every certificate's expiry (pkg/metrics, v1.21.1); it renews them itself, so one this close failed to.
      expression: `min by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds - time()) < ${t.expiryWarningDays * 86_400}`,
      for: 'PT1H',
      severity: 2,
      summary: `A certificate expires within ${t.expiryWarningDays} days: cert-manager failed to renew it`,
      runbook: `${RUNBOOK}; kubectl describe certificate -A (the Issuing condition says why)`,
    });
  }
  if (inputs.sasExpiryUnix !== undefined) {
    rules.push({
      alert: 'MaterializePersistSasExpiring',
      // A vector only once the expiry is less than the warning window away.
      expression: `vector(time()) > ${inputs.sasExpiryUnix} - ${t.expiryWarningDays * 86_400}`,
      for: 'PT1M',
      severity: 2,
      summary: `The persist SAS expires within ${t.expiryWarningDays} days: rotate it (Terraform issues the next one, mzops seals it and rolls out)`,
      runbook: `${RUNBOOK}; mzops rotate-sas ${env.name}`,
    });
  }
  return rules;
}
