import { KubernetesClusterExtension } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-extension';
import { KubernetesFluxConfiguration } from '@cdktf/provider-azurerm/lib/kubernetes-flux-configuration';
import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { FLUX } from '../model/contract';
import type { Environment } from '../model/environment';

export interface FluxGitOpsProps {
  readonly clusterId: string;
  readonly configurationName: string;
  readonly namespace: string;
  /** The model's `gitops` section: repository, branch, the sync interval and the extension's version (pinned: unpinned, Azure upgrades Flux under you). */
  readonly gitops: Pick<Environment['gitops'], 'repositoryUrl' | 'branch' | 'fluxExtensionVersion' | 'syncIntervalSeconds'>;
  /** Repository path the configuration's kustomization applies (the synthesized flux layer). */
  readonly path: string;
  readonly kustomizationName: string;
  /** Resources that must exist before Flux starts applying (the sealing key). @default [] */
  readonly dependsOn?: ITerraformDependable[];
  /** HTTPS auth: the user and a token expression (a sensitive variable). @default - no HTTPS credentials */
  readonly httpsUser?: string;
  readonly httpsToken?: string;
  /** SSH auth: private key and known_hosts expressions (sensitive variables). @default - no SSH credentials */
  readonly sshPrivateKey?: string;
  readonly sshKnownHosts?: string;
}

/** The AKS microsoft.flux extension and the flux configuration that points it at this environment's folder. */
export class FluxGitOps extends Construct {
  readonly extension: KubernetesClusterExtension;
  readonly configuration: KubernetesFluxConfiguration;

  constructor(scope: Construct, id: string, props: FluxGitOpsProps) {
    super(scope, id);
    const interval = props.gitops.syncIntervalSeconds;
    this.extension = new KubernetesClusterExtension(this, 'Extension', {
      name: 'flux',
      clusterId: props.clusterId,
      extensionType: 'microsoft.flux',
      version: props.gitops.fluxExtensionVersion,
    });
    this.configuration = new KubernetesFluxConfiguration(this, 'Configuration', {
      name: props.configurationName,
      clusterId: props.clusterId,
      namespace: props.namespace,
      scope: 'cluster',
      gitRepository: {
        url: props.gitops.repositoryUrl,
        referenceType: 'branch',
        referenceValue: props.gitops.branch,
        syncIntervalInSeconds: interval,
        // The API takes credentials base64-encoded; the values stay Terraform expressions.
        httpsUser: props.httpsToken ? props.httpsUser : undefined,
        httpsKeyBase64: props.httpsToken ? Fn.base64encode(props.httpsToken) : undefined,
        sshPrivateKeyBase64: props.sshPrivateKey ? Fn.base64encode(props.sshPrivateKey) : undefined,
        sshKnownHostsBase64: props.sshKnownHosts ? Fn.base64encode(props.sshKnownHosts) : undefined,
      },
      kustomizations: [
        {
          name: props.kustomizationName,
          path: props.path,
          // Terraform's default is false: removed manifests would linger in the cluster.
          garbageCollectionEnabled: true,
          syncIntervalInSeconds: interval,
          wait: true,
          // It waits for the nested layers, whose own timeouts add up past Terraform's 600 s default.
          timeoutInSeconds:
            (FLUX.timeoutMinutes.infrastructure +
              FLUX.timeoutMinutes.instance +
              FLUX.timeoutMinutes.monitoring +
              FLUX.timeoutMinutes.rootMargin) *
            60,
        },
      ],
      dependsOn: [this.extension, ...(props.dependsOn ?? [])],
    });
  }
}
