// Self-signed test certificates made with openssl (Node cannot create X.509 certificates).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';

/** Writes `<name>.crt`/`<name>.key` (EC P-256) into `dir` for `host`, valid `days`; returns their paths. */
export function selfSignedCert(
  dir: string,
  options: { name: string; host: string; days: number; altNames?: string },
): { cert: string; key: string } {
  const cert = join(dir, `${options.name}.crt`);
  const key = join(dir, `${options.name}.key`);
  execFileSync(
    requireBinary('openssl'),
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
    ]
      .concat(['-days', String(options.days), '-subj', `/CN=${options.host}`])
      .concat(['-addext', `subjectAltName=${options.altNames ?? `DNS:${options.host}`}`]),
    { stdio: 'pipe' },
  );
  return { cert, key };
}
