import { runSync } from '../runner';
import { CliError } from '../errors';

/**
 * An Entra access token for one Azure API, from the signed-in Azure CLI (`az login`, or a service
 * principal's `az login --service-principal`): what Grafana's and the Azure Monitor workspace's
 * HTTP APIs take as a bearer token. Within a 30 s deadline; the token is never printed.
 */
export function azureToken(resource: string, run: typeof runSync = runSync): string {
  const r = run('az', ['account', 'get-access-token', '--resource', resource, '--query', 'accessToken', '-o', 'tsv'], {
    timeoutMs: 30_000,
  });
  const token = r.stdout.trim();
  if (r.status !== 0 || !token) {
    const why = r.timedOut ? 'az did not answer within 30 s' : (r.stderr.trim().split('\n').pop() ?? 'az failed');
    throw new CliError(
      `could not get an Azure access token for ${resource}: ${why}`,
      'az login (and az account set --subscription <id>), then run it again',
    );
  }
  return token;
}

/** A token provider that asks az once, on first use (a command that makes no call never runs az). */
export function azureTokenProvider(resource: string, run: typeof runSync = runSync): () => string {
  let token: string | undefined;
  return () => (token ??= azureToken(resource, run));
}
