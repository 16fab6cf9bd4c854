import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export interface SelfSignedIssuerProps {
  readonly name: string;
}

/** A cert-manager self-signed ClusterIssuer for Materialize's balancerd, console and internal certificates. */
export class SelfSignedIssuer extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: SelfSignedIssuerProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'Resource', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: props.name },
      spec: { selfSigned: {} },
    });
  }
}
