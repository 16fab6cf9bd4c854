import { containsIp, parseCidr, parseIp } from '../model/cidr';
import type { Environment } from '../model/environment';

/**
 * Where this machine's public address is asked: a plain-text echo service. Only `deploy` asks, and
 * only for an environment with `aks.apiServerAuthorizedRanges`.
 */
export const ADDRESS_ECHO_URL = 'https://api.ipify.org';

/** This machine's public IPv4 address, or undefined when the echo service does not answer in time. */
export async function publicAddress(url = ADDRESS_ECHO_URL, timeoutMs = 5000): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = (await response.text()).trim();
    return response.ok && parseIp(text) !== undefined ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether this machine may reach the cluster's API server: Terraform's kubernetes provider writes
 * the sealing key through it during `deploy`, and mzops reads the cluster through it. An address
 * outside `aks.apiServerAuthorizedRanges` makes the apply fail half-way, after Azure built the
 * cluster. A problem with its fix, or undefined when the ranges are open or admit the address.
 */
export async function authorizedRangesProblem(
  env: Environment,
  lookup: () => Promise<string | undefined> = () => publicAddress(),
): Promise<{ problem: string; fix: string; blocking: boolean } | undefined> {
  const ranges = env.aks.apiServerAuthorizedRanges;
  if (ranges.length === 0) return undefined;
  const address = await lookup();
  if (address === undefined) {
    return {
      problem: `could not learn this machine's public address (${ADDRESS_ECHO_URL} did not answer) to check it against aks.apiServerAuthorizedRanges`,
      fix: `make sure the address this machine reaches Azure from is in aks.apiServerAuthorizedRanges (${ranges.join(', ')})`,
      blocking: false,
    };
  }
  const ip = parseIp(address)!;
  const admitted = ranges.some((r) => {
    const c = parseCidr(r);
    return typeof c !== 'string' && containsIp(c, ip);
  });
  return admitted
    ? undefined
    : {
        problem: `this machine's public address ${address} is not in aks.apiServerAuthorizedRanges (${ranges.join(', ')}): Terraform's kubernetes provider could not write the sealing key, and mzops could not reach the cluster`,
        fix: `add "${address}/32" to aks.apiServerAuthorizedRanges in environments/${env.name}.ts, or deploy from a machine inside those ranges`,
        blocking: true,
      };
}
