import { Construct } from 'constructs';
import { HelmRepository } from '../../imports/flux-source-source.toolkit.fluxcd.io';

export interface HelmSourceProps {
  readonly name: string;
  readonly url: string;
  /** The flux configuration's namespace: multi-tenancy forbids cross-namespace sources. */
  readonly namespace: string;
  /** @default '1h' */
  readonly interval?: string;
}

/** A Flux HelmRepository (source.toolkit.fluxcd.io/v1). */
export class HelmSource extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: HelmSourceProps) {
    super(scope, id);
    this.name = props.name;
    new HelmRepository(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: { url: props.url, interval: props.interval ?? '1h' },
    });
  }
}
