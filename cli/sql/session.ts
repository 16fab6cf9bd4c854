import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ClientConfig } from 'pg';
import { accessServiceNames, CERTIFICATE_AUTHORITY, MATERIALIZE_SQL, NAMESPACES, PORTS, TF_OUTPUTS } from '../../model/contract';
import { accessEndpoints } from '../../model/endpoints';
import { rolePasswordVariable, VARIABLES } from '../../model/variables';
import type { Environment } from '../../model/environment';
import { CliError } from '../errors';
import { getObject, loadBalancerIp, type KubeClient } from '../kube';
import { passwordFile, SEAL_VARIABLES } from '../seal/seal-environment';
import type { StackOutputs } from '../terraform-outputs';
import { stateDir, writePrivateFile } from '../workspace';

/** The Listen connection string Materialize reads with: the Terraform output, or the predecessor's variable. */
export function readerConnectionString(outputs: StackOutputs, variables: Record<string, string | undefined>): string | undefined {
  return outputs[TF_OUTPUTS.eventHubsReaderConnectionString] ?? variables[VARIABLES.eventHubsConnectionString.name];
}

export function publisherConnectionString(outputs: StackOutputs, variables: Record<string, string | undefined>): string | undefined {
  return outputs[TF_OUTPUTS.eventHubsPublisherConnectionString] ?? variables[VARIABLES.eventHubsPublisherConnectionString.name];
}

/** LOGIN passwords for declared roles: MZ_ROLE_PASSWORD_<NAME>, else generated once into .mzops/. */
export function rolePasswords(env: Environment, variables: Record<string, string | undefined>, root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const role of env.eventHubs.roles) {
    const fromEnv = variables[rolePasswordVariable(role.name)];
    const file = join(stateDir(env.name, root), 'roles', `${role.name}.password`);
    if (fromEnv) out[role.name] = fromEnv;
    else if (existsSync(file)) out[role.name] = readFileSync(file, 'utf8').trim();
    else {
      out[role.name] = randomBytes(18).toString('base64url');
      writePrivateFile(file, `${out[role.name]}\n`);
    }
  }
  return out;
}

/** The SQL Service's load balancer address, read from the environment's own cluster. */
export async function sqlHostFromCluster(env: Environment, kube: KubeClient | undefined): Promise<string> {
  const name = accessServiceNames(env.materialize.instanceName).sql;
  if (!kube)
    throw new CliError(
      `no kubeconfig with a context for ${env.names.aksCluster} to find the ${name} load balancer in`,
      `pass --host ${accessEndpoints(env).sql.host}, or az aks get-credentials -g ${env.names.resourceGroup} -n ${env.names.aksCluster}`,
    );
  try {
    const svc = await getObject(kube, { resource: 'services', namespace: NAMESPACES.instance, name });
    const ip = loadBalancerIp(svc);
    if (ip) return ip;
  } catch {
    // fall through to the error below
  }
  throw new CliError(`no address for the ${name} load balancer yet`, `pass --host ${accessEndpoints(env).sql.host}, or check mzops status`);
}

/** Where `mzops ca` keeps the instance's CA certificate. */
export function caFile(environment: string, root: string): string {
  return join(stateDir(environment, root), CERTIFICATE_AUTHORITY.certificateKey);
}

/**
 * mz_system over the PostgreSQL wire protocol. With TLS (the default) the server's certificate is
 * verified against the instance's CA (PGSSLROOTCERT, else the file `mzops ca` writes) and for the
 * endpoint's name, also when `host` is an address: the certificate holds names only.
 */
export function mzSystemConfig(
  env: Environment,
  options: { host: string; port?: number; password?: string; root: string; variables: Record<string, string | undefined> },
): ClientConfig {
  const file = passwordFile(env.name, options.root);
  // Empty, as .env.template ships it, means "generated" (mzops seal keeps it in the file), not a password.
  const password =
    options.password ||
    options.variables[SEAL_VARIABLES.mzSystemPassword] ||
    (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  if (!password) throw new CliError('no mz_system password', `set ${SEAL_VARIABLES.mzSystemPassword}, or run mzops seal ${env.name} first`);
  const ca =
    options.variables[VARIABLES.pgSslRootCert.name] ||
    (existsSync(caFile(env.name, options.root)) ? caFile(env.name, options.root) : undefined);
  if (env.materialize.tls && !ca)
    throw new CliError(
      `no CA certificate for environment "${env.name}" to verify its SQL endpoint with`,
      `mzops ca ${env.name} (or set ${VARIABLES.pgSslRootCert.name})`,
    );
  return {
    host: options.host,
    port: options.port ?? PORTS.sql,
    user: MATERIALIZE_SQL.adminUser,
    password,
    database: MATERIALIZE_SQL.database,
    ssl: env.materialize.tls
      ? { rejectUnauthorized: true, ca: readFileSync(ca!, 'utf8'), servername: accessEndpoints(env).sql.host }
      : false,
    connectionTimeoutMillis: 15_000,
  };
}
