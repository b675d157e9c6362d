// Doctor's direct-TLS item: the config module's own TLS rule (files, pair, domain), then 14+ days left and the host.
import { tlsRule } from '../config/index.js';
import type { Check } from './doctor-model.js';

const DAY = 86_400_000;
const RENEW_WITHIN_DAYS = 14;

const FIXES: Record<string, string> = {
  ERR_SWML_TLS_DOMAIN: "set SWML_DOMAIN to the certificate's host name",
  ERR_SWML_TLS_FILES:
    'point SWML_SSL_CERT_PATH and SWML_SSL_KEY_PATH at a readable PEM certificate and its key',
};

export function tlsCheck(t: {
  enabled: boolean;
  certPath: string | undefined;
  keyPath: string | undefined;
  domain: string | undefined;
  now: Date;
}): Check {
  const id = 'tls_files';
  const rule = tlsRule(t);
  if (!rule.enabled) {
    return { id, status: 'pass', message: 'direct TLS off (HTTPS ends at the proxy)', fix: null };
  }
  if ('error' in rule) {
    const { code, message } = rule.error;
    return {
      id,
      status: 'fail',
      message: message.replace(/\.$/, ''),
      fix: FIXES[code] ?? 'see docs/error-codes.md',
    };
  }
  const until = new Date(rule.certificate.validTo);
  const days = Math.floor((until.getTime() - t.now.getTime()) / DAY);
  const date = until.toISOString().slice(0, 10);
  if (days < 0)
    return {
      id,
      status: 'fail',
      message: `the certificate expired on ${date}`,
      fix: 'renew it now (or let Caddy manage certificates)',
    };
  if (days < RENEW_WITHIN_DAYS) {
    return {
      id,
      status: 'warn',
      message: `the certificate expires on ${date} (in ${days} days)`,
      fix: 'renew it before it expires',
    };
  }
  if (t.domain && rule.certificate.checkHost(t.domain.replace(/:\d+$/, '')) === undefined) {
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
