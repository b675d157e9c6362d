// Doctor's direct-TLS item: files readable, a certificate and its key, the domain on it, and 14+ days left.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Check } from './doctor-model.js';

const DAY = 86_400_000;
const RENEW_WITHIN_DAYS = 14;

export function tlsCheck(t: {
  enabled: boolean;
  certPath: string | undefined;
  keyPath: string | undefined;
  domain: string | undefined;
  now: Date;
}): Check {
  const id = 'tls_files';
  const fail = (message: string, fix: string): Check => ({ id, status: 'fail', message, fix });
  if (!t.enabled) {
    return { id, status: 'pass', message: 'direct TLS off (HTTPS ends at the proxy)', fix: null };
  }
  if (!t.certPath || !t.keyPath) {
    return fail(
      'SWML_SSL_ENABLED=true needs SWML_SSL_CERT_PATH and SWML_SSL_KEY_PATH',
      'set both to PEM files',
    );
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(t.certPath));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(
      `SWML_SSL_CERT_PATH ${t.certPath} ${code?.startsWith('E') ? `cannot be read (${code})` : 'is not a PEM certificate'}`,
      'point it at a readable PEM certificate chain',
    );
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(readFileSync(t.keyPath)))) {
      return fail(
        'SWML_SSL_KEY_PATH is not the private key of the certificate',
        'use the key the certificate was issued for',
      );
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(
      `SWML_SSL_KEY_PATH ${t.keyPath} ${code?.startsWith('E') ? `cannot be read (${code})` : 'is not a PEM private key'}`,
      'point it at the readable PEM private key of the certificate',
    );
  }
  const until = new Date(cert.validTo);
  const days = Math.floor((until.getTime() - t.now.getTime()) / DAY);
  const date = until.toISOString().slice(0, 10);
  if (days < 0)
    return fail(`the certificate expired on ${date}`, 'renew it now (or let Caddy manage certificates)');
  if (days < RENEW_WITHIN_DAYS) {
    return {
      id,
      status: 'warn',
      message: `the certificate expires on ${date} (in ${days} days)`,
      fix: 'renew it before it expires',
    };
  }
  if (t.domain && cert.checkHost(t.domain.replace(/:\d+$/, '')) === undefined) {
    return {
      id,
      status: 'warn',
      message: `the certificate does not name SWML_DOMAIN=${t.domain}`,
      fix: 'use a certificate for that host name, or correct SWML_DOMAIN',
    };
  }
  return {
    id,
    status: 'pass',
    message: `certificate valid until ${date} (${days} days), key matches`,
    fix: null,
  };
}
