import { Chart } from 'cdk8s';
import { kube } from '../kube';
import type { Construct } from 'constructs';
import { CHARTS, HELM_REPOSITORIES, MANAGED_LABELS, NAMESPACES, NETWORK_POLICY_ENGINE, SEALED_SECRETS } from '../../model/contract';
import type { Environment } from '../../model/environment';
import { DiskSetup } from './disk-setup';
import { HelmSource } from './helm-source';
import { MaterializeOperator, materializePlacement } from './materialize-operator';
import { OperatorEgress } from './operator-egress';
import { PinnedHelmRelease } from './pinned-helm-release';

/** Namespaces, Helm sources and controllers: everything the instance layer's kinds depend on. */
export class InfrastructureChart extends Chart {
  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id, { disableResourceNameHashes: true });
    const namespaces: string[] = [NAMESPACES.operator, NAMESPACES.instance];
    if (env.materialize.swap) namespaces.push(NAMESPACES.diskSetup);
    if (env.materialize.certManager) namespaces.push(NAMESPACES.certManager);
    // The namespaces whose NetworkPolicies we render say which engine enforces them; synth reads
    // the record back so that an environment without aks.networkPolicy keeps its engine.
    const policed = new Set<string>([NAMESPACES.operator, NAMESPACES.instance]);
    for (const ns of namespaces)
      kube.namespace(this, `Namespace-${ns}`, {
        metadata: {
          name: ns,
          labels: { ...MANAGED_LABELS },
          ...(policed.has(ns) ? { annotations: { [NETWORK_POLICY_ENGINE.annotation]: env.aks.networkPolicy } } : {}),
        },
      });

    const flux = NAMESPACES.flux;
    const materializeRepo = new HelmSource(this, 'MaterializeRepo', { ...HELM_REPOSITORIES.materialize, namespace: flux });
    const sealedRepo = new HelmSource(this, 'SealedSecretsRepo', { ...HELM_REPOSITORIES.sealedSecrets, namespace: flux });

    new PinnedHelmRelease(this, 'SealedSecrets', {
      name: CHARTS.sealedSecrets.releaseName,
      releaseName: CHARTS.sealedSecrets.releaseName,
      namespace: flux,
      targetNamespace: SEALED_SECRETS.namespace,
      chart: CHARTS.sealedSecrets.name,
      version: env.charts.sealedSecrets,
      source: sealedRepo,
      values: {
        // kubeseal's defaults, so `kubeseal --fetch-cert` needs no flags.
        fullnameOverride: SEALED_SECRETS.controllerName,
        // The Terraform-made key stays the active one: no in-cluster rotation that Git cannot see.
        keyrenewperiod: '0',
      },
    });

    const operatorDependsOn: string[] = [];
    if (env.materialize.certManager) {
      const jetstack = new HelmSource(this, 'CertManagerRepo', { ...HELM_REPOSITORIES.certManager, namespace: flux });
      new PinnedHelmRelease(this, 'CertManager', {
        name: CHARTS.certManager.releaseName,
        namespace: flux,
        targetNamespace: NAMESPACES.certManager,
        chart: CHARTS.certManager.name,
        version: env.charts.certManager,
        source: jetstack,
        values: { crds: { enabled: true } },
      });
      operatorDependsOn.push(CHARTS.certManager.releaseName);
    }

    new OperatorEgress(this, 'OperatorEgress', { namespace: NAMESPACES.operator });
    new MaterializeOperator(this, 'Operator', {
      env,
      namespace: flux,
      targetNamespace: NAMESPACES.operator,
      source: materializeRepo,
      dependsOn: operatorDependsOn,
    });

    if (env.materialize.swap) {
      new DiskSetup(this, 'DiskSetup', {
        namespace: NAMESPACES.diskSetup,
        imageTag: env.charts.diskSetupImage,
        tolerations: materializePlacement().tolerations,
      });
    }
  }
}
