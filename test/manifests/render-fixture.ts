import { parse } from 'yaml';
import type { KubeObject, RenderedTree } from '../../manifests/render';
import { renderEnvironment } from '../../manifests/render';
import type { SealedValuesFile } from '../../model/sealed-values';
import { env } from '../helpers';

/** A sealed file with stand-in ciphertexts: rendering embeds whatever seal produced. */
export const FAKE_SEALED: SealedValuesFile = {
  certificateSha256: 'f'.repeat(64),
  scope: 'strict',
  persistIdentityClientId: '3f2b6c1d-0a4e-4b7c-9d8e-1f2a3b4c5d6e',
  values: {
    metadata_backend_url: { sealed: 'AgBmetadata==', fingerprint: 'scrypt$a$b' },
    persist_backend_url: { sealed: 'AgBpersist==', fingerprint: 'scrypt$a$b' },
    license_key: { sealed: 'AgBlicense==', fingerprint: 'scrypt$a$b' },
    external_login_password_mz_system: { sealed: 'AgBpassword==', fingerprint: 'scrypt$a$b' },
  },
};

const cache = new Map<string, RenderedTree>();

export function rendered(name: string, sealed: 'unsealed' | 'sealed' = 'unsealed'): RenderedTree {
  const key = `${name}/${sealed}`;
  if (!cache.has(key)) cache.set(key, renderEnvironment(env(name), { sealed: sealed === 'sealed' ? FAKE_SEALED : null }));
  return cache.get(key)!;
}

export function objects(tree: RenderedTree, folder?: string): (KubeObject & { spec?: any })[] {
  return [...tree.entries()]
    .filter(([path]) => !path.endsWith('kustomization.yaml') && (!folder || path.startsWith(`${folder}/`)))
    .map(([, text]) => parse(text) as KubeObject);
}

export function find(tree: RenderedTree, kind: string, name?: string): KubeObject & { spec?: any } {
  const hit = objects(tree).filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  if (hit.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${hit.length}`);
  return hit[0];
}
