import { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
} from '../../imports/flux-helm-helm.toolkit.fluxcd.io';
import type { HelmSource } from './helm-source';

export interface PinnedHelmReleaseProps {
  readonly name: string;
  /** Where the HelmRelease object lives: the flux configuration's namespace. */
  readonly namespace: string;
  /** Where the chart's resources and the Helm release history go. */
  readonly targetNamespace: string;
  readonly chart: string;
  /** Exact chart version; validation refuses ranges before this is reached. */
  readonly version: string;
  readonly source: HelmSource;
  readonly values: object;
  /** @default - the chart name */
  readonly releaseName?: string;
  /** HelmReleases in the same namespace that must be ready first. @default [] */
  readonly dependsOn?: string[];
  /** @default '30m' */
  readonly interval?: string;
  /** @default '10m' */
  readonly timeout?: string;
}

/**
 * A HelmRelease (helm.toolkit.fluxcd.io/v2) pinned to one chart version, that installs and
 * upgrades CRDs, retries, and rolls back a failed upgrade instead of leaving it half-applied.
 */
export class PinnedHelmRelease extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: PinnedHelmReleaseProps) {
    super(scope, id);
    if (!/^v?\d+\.\d+\.\d+$/.test(props.version)) throw new Error(`${props.name}: chart version must be exact, got "${props.version}"`);
    this.name = props.name;
    new HelmRelease(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        releaseName: props.releaseName ?? props.chart,
        targetNamespace: props.targetNamespace,
        storageNamespace: props.targetNamespace,
        interval: props.interval ?? '30m',
        timeout: props.timeout ?? '10m',
        chart: {
          spec: {
            chart: props.chart,
            version: props.version,
            sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: props.source.name },
            interval: '1h',
          },
        },
        install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
        upgrade: {
          crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE,
          cleanupOnFail: true,
          remediation: { retries: 3, remediateLastFailure: true },
        },
        dependsOn: props.dependsOn && props.dependsOn.length > 0 ? props.dependsOn.map((name) => ({ name })) : undefined,
        values: props.values,
      },
    });
  }
}
