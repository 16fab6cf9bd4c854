import { CERTIFICATE_AUTHORITY } from '../model/contract';
import type { Environment } from '../model/environment';
import { CliError } from './errors';
import { getObject, NotFoundError, type KubeClient, type KubeObject } from './kube';
import { caFile } from './sql/session';
import { writePrivateFile } from './workspace';

/** Reads the instance's CA certificate from cert-manager's secret and keeps it where `mzops sql` looks. */
export async function fetchCaCertificate(env: Environment, kube: KubeClient, root: string): Promise<string> {
  const name = CERTIFICATE_AUTHORITY.secretName(env.materialize.instanceName);
  let secret: KubeObject;
  try {
    secret = await getObject(kube, { resource: 'secrets', namespace: CERTIFICATE_AUTHORITY.namespace, name });
  } catch (e) {
    if (e instanceof NotFoundError)
      throw new CliError(
        `no secret ${CERTIFICATE_AUTHORITY.namespace}/${name} yet`,
        'cert-manager creates it once Flux applies the instance layer: mzops status shows progress',
      );
    throw e;
  }
  // The Certificate that fills the secret has its name; its events say why it is not issued.
  const describe = `kubectl --context ${env.names.aksCluster} -n ${CERTIFICATE_AUTHORITY.namespace} describe certificate ${name}`;
  const b64 = secret.data?.[CERTIFICATE_AUTHORITY.certificateKey];
  if (!b64)
    throw new CliError(
      `secret ${CERTIFICATE_AUTHORITY.namespace}/${name} has no ${CERTIFICATE_AUTHORITY.certificateKey}`,
      `cert-manager has not issued the CA yet: ${describe}`,
    );
  const pem = Buffer.from(b64, 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new CliError(
      `${CERTIFICATE_AUTHORITY.certificateKey} in ${name} is not a PEM certificate`,
      `something other than cert-manager wrote the secret; delete it for cert-manager to issue it again, then check: ${describe}`,
    );
  const file = caFile(env.name, root);
  writePrivateFile(file, pem);
  return file;
}
