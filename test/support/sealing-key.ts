import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway sealing key pair, made the way Terraform's tls provider makes one (RSA, self-signed). */
export function makeSealingKeyPair(bits = 2048): { certPem: string; keyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mz-sealkey-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        `rsa:${bits}`,
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '30',
        '-subj',
        '/CN=sealed-secret/O=test',
      ],
      { stdio: 'pipe' },
    );
    return { certPem: readFileSync(join(dir, 'c.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'k.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
