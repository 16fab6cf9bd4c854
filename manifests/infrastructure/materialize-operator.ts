import { Construct } from 'constructs';
import { CHARTS, MATERIALIZE_POOL, SYSTEM_POOL } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { operatorChartDefaults } from '../../model/operator-versions';
import { resourceRequirements } from '../resource-requirements';
import type { HelmSource } from './helm-source';
import type { OperatorValues, PlacementValues, Toleration } from './operator-values';
import { PinnedHelmRelease } from './pinned-helm-release';

/** What every Materialize workload needs to land on the dedicated pool: its taint tolerated, its label selected. */
export function materializePlacement(): PlacementValues {
  const t = MATERIALIZE_POOL.taint;
  const toleration: Toleration = { key: t.key, operator: 'Equal', value: t.value, effect: t.effect };
  return {
    nodeSelector: { [MATERIALIZE_POOL.label.key]: MATERIALIZE_POOL.label.value },
    tolerations: [toleration],
  };
}

/** The operator runs on the system pool, as upstream's Azure modules place it: the Materialize pool's capacity is the instance's. */
export function systemPlacement(): Pick<PlacementValues, 'nodeSelector'> {
  return { nodeSelector: { [SYSTEM_POOL.label.key]: SYSTEM_POOL.label.value } };
}

/** Typed operator values for an environment. */
export function operatorValues(env: Environment): OperatorValues {
  const placement = materializePlacement();
  const mz = env.materialize;
  return {
    operator: {
      ...systemPlacement(),
      image: { tag: mz.operatorChartVersion },
      // Pinned off where the chart knows it, so that a changed chart default cannot turn on a webhook
      // that the API server must reach on 8001 and that needs cert-manager first: the project serves
      // the Materialize resource as v1alpha1 on every version (README, "Which Materialize API").
      ...(operatorChartDefaults(mz.operatorChartVersion).knowsInstallV1Crd ? { args: { installV1CRD: false } } : {}),
      cloudProvider: { type: 'azure', region: env.location },
      // With swap on, the chart makes every clusterd pod require materialize.cloud/swap=true.
      clusters: { swap_enabled: mz.swap },
    },
    environmentd: { ...placement, defaultResources: resourceRequirements(mz.environmentdResources) },
    clusterd: placement,
    balancerd: { ...placement, enabled: true, defaultResources: resourceRequirements(mz.balancerdResources) },
    console: { ...placement, enabled: true },
    // internal: the operator isolates the instance's pods to each other (its
    // allow-all-within-environment, at run time) and to itself, and the chart isolates the
    // operator's egress to environmentd. Both cut DNS, the API server, PostgreSQL, Blob and
    // Event Hubs, which our own egress policies (infrastructure/operator-egress.ts,
    // instance/network-policies.ts) give back, port by port. Client ingress is ours too, limited
    // to the configured ranges; the operator's ingress and egress policies would admit 0.0.0.0/0.
    networkPolicies: { enabled: true, internal: { enabled: true }, ingress: { enabled: false }, egress: { enabled: false } },
    observability: { enabled: true, podMetrics: { enabled: true }, prometheus: { scrapeAnnotations: { enabled: true } } },
    telemetry: { enabled: false },
  };
}

export interface MaterializeOperatorProps {
  readonly env: Environment;
  readonly namespace: string;
  readonly targetNamespace: string;
  readonly source: HelmSource;
  /** HelmReleases to wait for (cert-manager, when the chart needs it). @default [] */
  readonly dependsOn?: string[];
}

/** The materialize-operator HelmRelease, pinned and typed. */
export class MaterializeOperator extends Construct {
  constructor(scope: Construct, id: string, props: MaterializeOperatorProps) {
    super(scope, id);
    new PinnedHelmRelease(this, 'Release', {
      name: CHARTS.operator.releaseName,
      namespace: props.namespace,
      targetNamespace: props.targetNamespace,
      chart: CHARTS.operator.name,
      version: props.env.materialize.operatorChartVersion,
      source: props.source,
      values: operatorValues(props.env),
      dependsOn: props.dependsOn,
    });
  }
}
