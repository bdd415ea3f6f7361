import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A throwaway CA and a server certificate it signed, as files in one dir. */
export interface TlsCertificates {
  readonly caCertFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The CA certificate (PEM), for a client's `tls: { ca }`. */
  readonly ca: string;
}

/**
 * Generates, with the `openssl` CLI, a self-signed CA and a server
 * certificate for 127.0.0.1 and localhost signed by it, into `dir`. A real
 * chain (not one self-signed leaf) so clients verify exactly as in
 * production, hostname included.
 */
export function generateTlsCertificates(dir: string): TlsCertificates {
  const file = (name: string): string => join(dir, name);
  // P-256 keys: generated in milliseconds, unlike RSA.
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=nest-jobs test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...newKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.crt'), '-days', '2', '-extfile', file('server.ext')]);
  return { caCertFile: file('ca.crt'), certFile: file('server.crt'), keyFile: file('server.key'), ca: readFileSync(file('ca.crt'), 'utf8') };
}

function openssl(args: string[]): void {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`openssl ${args[0]} failed: ${run.error?.message ?? run.stderr}. The TLS tests need the openssl CLI (apt-get install openssl).`);
  }
}
