// Direct TLS (SWML_SSL_*): both files readable, a valid matching pair, and a domain; one rule for loadConfig and doctor.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { ConfigFinding } from './errors.js';

export type TlsResult =
  { enabled: false } | { enabled: true; cert: Buffer; key: Buffer } | { enabled: true; error: ConfigFinding };

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
  try {
    createSecureContext({ cert, key });
  } catch {
    return fail(
      'ERR_SWML_TLS_FILES',
      'SWML_SSL_CERT_PATH and SWML_SSL_KEY_PATH are not a valid PEM certificate and matching private key.',
    );
  }
  if (!t.domain)
    return fail(
      'ERR_SWML_TLS_DOMAIN',
      "SWML_SSL_ENABLED=true requires SWML_DOMAIN (the certificate's host name).",
    );
  return { enabled: true, cert, key };
}
