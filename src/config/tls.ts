// Direct TLS (SWML_SSL_*): both files readable, a valid matching pair, and a domain; one rule for loadConfig and doctor.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { ConfigFinding } from './errors.js';

export type TlsResult =
  | { enabled: false }
  | { enabled: true; cert: Buffer; key: Buffer; certificate: X509Certificate }
  | { enabled: true; error: ConfigFinding };

/**
 * Never a silent fallback to HTTP: with SWML_SSL_ENABLED=true, a missing or unreadable file, a file that
 * is not PEM, a key that is not the certificate's, or no SWML_DOMAIN is an error (ERR_SWML_TLS_FILES /
 * ERR_SWML_TLS_DOMAIN), each saying which. `doctor` runs the same rule, then checks the certificate's
 * expiry and host name on the certificate it returns.
 *
 * @example
 * tlsRule({ enabled: true, certPath: 'cert.pem', keyPath: 'key.pem', domain: 'agent.example.com' });
 */
export function tlsRule(t: {
  enabled: boolean;
  certPath: string | undefined;
  keyPath: string | undefined;
  domain: string | undefined;
}): TlsResult {
  if (!t.enabled) return { enabled: false };
  const fail = (code: string, message: string): TlsResult => ({
    enabled: true,
    error: { level: 'error', code, message },
  });
  const read = (name: string, path: string | undefined): Buffer | string => {
    if (!path) return `SWML_SSL_ENABLED=true requires ${name}.`;
    try {
      return readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      return `${name} ${JSON.stringify(path)} cannot be read (${code}).`;
    }
  };
  const cert = read('SWML_SSL_CERT_PATH', t.certPath);
  if (typeof cert === 'string') return fail('ERR_SWML_TLS_FILES', cert);
  const key = read('SWML_SSL_KEY_PATH', t.keyPath);
  if (typeof key === 'string') return fail('ERR_SWML_TLS_FILES', key);
  const invalid = pairProblem(cert, key, t);
  if (invalid !== undefined)
    return fail(
      'ERR_SWML_TLS_FILES',
      `SWML_SSL_CERT_PATH and SWML_SSL_KEY_PATH are not a valid PEM certificate and matching private key: ${invalid}.`,
    );
  if (!t.domain)
    return fail(
      'ERR_SWML_TLS_DOMAIN',
      "SWML_SSL_ENABLED=true requires SWML_DOMAIN (the certificate's host name).",
    );
  return { enabled: true, cert, key, certificate: new X509Certificate(cert) };
}

/** Which of the two files is wrong, said by name (never their contents), or undefined when the pair works. */
function pairProblem(
  cert: Buffer,
  key: Buffer,
  t: { certPath: string | undefined; keyPath: string | undefined },
): string | undefined {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    return `SWML_SSL_CERT_PATH ${JSON.stringify(t.certPath)} is not a PEM certificate`;
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(key)))
      return 'SWML_SSL_KEY_PATH is not the private key of the certificate';
  } catch {
    return `SWML_SSL_KEY_PATH ${JSON.stringify(t.keyPath)} is not a PEM private key`;
  }
  try {
    createSecureContext({ cert, key });
  } catch {
    return 'Node cannot build a TLS context from them';
  }
  return undefined;
}
