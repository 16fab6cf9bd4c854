import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/flux-kustomize-kustomize.toolkit.fluxcd.io';
import { SealedSecret } from '../../imports/sealed-secrets-bitnami.com';
import { Materialize } from '../../imports/materialize.cloud';
import { CONDITIONS, DIST, FLUX, NAMESPACES } from '../../model/contract';
import type { Environment } from '../../model/environment';

/**
 * When the instance layer counts the Materialize resource as healthy, from the UpToDate condition
 * orchestratord writes (controller/materialize.rs): True/Applied once a generation is live;
 * Unknown/Applying during a rollout; Unknown/ReadyToPromote when a ManuallyPromote rollout has
 * caught up and waits for `mzops promote` (by design, so healthy for such an instance: the old
 * generation keeps serving); False/FailedDeploy when a rollout failed; False/WaitingForApproval when
 * a change waits for a requestRollout (which synth always derives, so this means a change made
 * outside Git); False/RolloutTimeout when an unpromoted rollout was cancelled. Only a condition
 * observed for the current generation counts.
 */
export function materializeHealth(manuallyPromoted: boolean): { apiVersion: string; kind: string; current: string; failed: string } {
  const mine = `c.type == '${CONDITIONS.upToDate}' && c.observedGeneration == metadata.generation`;
  const waiting = manuallyPromoted ? ` || (c.status == 'Unknown' && c.reason == 'ReadyToPromote')` : '';
  return {
    apiVersion: Materialize.GVK.apiVersion,
    kind: Materialize.GVK.kind,
    current: `has(status.conditions) && status.conditions.exists(c, ${mine} && (c.status == 'True'${waiting}))`,
    failed: `has(status.conditions) && status.conditions.exists(c, ${mine} && c.status == 'False' && (c.reason == 'FailedDeploy' || c.reason == 'WaitingForApproval' || c.reason == 'RolloutTimeout'))`,
  };
}

/** A SealedSecret is healthy once its controller has Synced it into a Secret (kstatus does not know the kind). */
export function sealedSecretHealth(): { apiVersion: string; kind: string; current: string; failed: string } {
  const synced = (status: string) =>
    `has(status.conditions) && status.conditions.exists(c, c.type == '${CONDITIONS.synced}' && c.status == '${status}')`;
  return { apiVersion: SealedSecret.GVK.apiVersion, kind: SealedSecret.GVK.kind, current: synced('True'), failed: synced('False') };
}

/**
 * The flux layer: what the AKS flux configuration applies. It chains the infrastructure layer,
 * then the instance, each applied and health-checked before the next.
 */
export class FluxChart extends Chart {
  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id, { disableResourceNameHashes: true });
    const [infrastructure, instance] = FLUX.layers;
    const common = {
      // The extension names its GitRepository after the configuration, in the configuration's namespace.
      sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: FLUX.configurationName },
      prune: true,
      interval: '10m',
      retryInterval: '1m',
      wait: true,
    };
    new Kustomization(this, 'Infrastructure', {
      metadata: { name: infrastructure, namespace: NAMESPACES.flux },
      // Waiting on the operator HelmRelease means its pod is Ready; the operator registers its CRDs
      // when it starts, so the instance layer's first apply may still retry (retryInterval) once.
      spec: { ...common, path: DIST.layerPath(env.name, infrastructure), timeout: `${FLUX.timeoutMinutes.infrastructure}m` },
    });
    new Kustomization(this, 'Instance', {
      metadata: { name: instance, namespace: NAMESPACES.flux },
      spec: {
        ...common,
        path: DIST.layerPath(env.name, instance),
        timeout: `${FLUX.timeoutMinutes.instance}m`,
        dependsOn: [{ name: infrastructure }],
        // kstatus knows neither kind: say what "ready" means for them.
        healthCheckExprs: [materializeHealth(env.materialize.rolloutStrategy === 'ManuallyPromote'), sealedSecretHealth()],
      },
    });
    if (env.observability.enabled) {
      new Kustomization(this, 'Monitoring', {
        metadata: { name: FLUX.monitoringLayer, namespace: NAMESPACES.flux },
        spec: {
          ...common,
          path: DIST.layerPath(env.name, FLUX.monitoringLayer),
          timeout: `${FLUX.timeoutMinutes.monitoring}m`,
          // The operator's and the instance's namespaces come from the infrastructure layer; the instance does not wait for this one.
          dependsOn: [{ name: infrastructure }],
          healthCheckExprs: [sealedSecretHealth()],
        },
      });
    }
  }
}
