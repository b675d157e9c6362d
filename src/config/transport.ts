// How webhooks reach the agent: the public base URL, signing, TLS warnings, bind addresses; one set of rules.
import { isIP } from 'node:net';
import type { ConfigFinding } from './errors.js';

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * SWML_PROXY_URL_BASE: absolute http(s), no credentials, query or fragment; trailing slash dropped, path kept.
 * In production it must be https: every webhook URL built from it carries the Basic Auth credentials and
 * a function token, and SignalWire would send them in clear text.
 */
export function proxyBaseRule(
  value: string,
  production: boolean,
): { url: string } | { error: ConfigFinding } {
  const error = (message: string) => ({
    error: { level: 'error' as const, code: 'ERR_SWML_PROXY_URL', message },
  });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // A URL that does not parse may still carry credentials: mask anything before an '@'.
    return error(
      `SWML_PROXY_URL_BASE must be an absolute URL such as https://agent.example.com; got ${JSON.stringify(value.replace(/^(.*\/\/)?[^/?#]*@/, '$1****@'))}.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return error(`SWML_PROXY_URL_BASE must use https (or http); got ${JSON.stringify(url.protocol)}.`);
  if (url.username || url.password || url.search || url.hash)
    return error('SWML_PROXY_URL_BASE must not contain credentials, a query or a fragment.');
  if (production && url.protocol === 'http:')
    return error(
      `SWML_PROXY_URL_BASE must be https in production (NODE_ENV=production); got an http URL, which would send the webhook credentials and function tokens in clear text. Fix: SWML_PROXY_URL_BASE=https://${url.host}${url.pathname.replace(/\/+$/, '')} (terminate TLS at your proxy).`,
    );
  return { url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

/**
 * Signatures (SPEC 6.3) cover the public URL SignalWire called, which is the URL the SWML gave it
 * (src/http/public-url.ts: one rule for both). That URL must then come from our own settings: built from
 * a client's Host or X-Forwarded-* headers, the check would verify a URL the sender chose. So signing
 * needs SWML_PROXY_URL_BASE, or direct TLS with no trusted proxy hop (whose X-Forwarded-Host the rule
 * would otherwise follow).
 */
export function signingRule(s: {
  signingKey: string | undefined;
  proxyUrlBase: string | undefined;
  tlsEnabled: boolean;
  trustProxy: number;
}): ConfigFinding | undefined {
  if (s.signingKey === undefined || s.proxyUrlBase !== undefined) return undefined;
  if (s.tlsEnabled && s.trustProxy === 0) return undefined;
  return {
    level: 'error',
    code: 'ERR_SWML_SIGNING_URL',
    message: s.tlsEnabled
      ? "SIGNALWIRE_SIGNING_KEY with SWML_TRUST_PROXY > 0 requires SWML_PROXY_URL_BASE (the public URL SignalWire signs): webhook URLs would otherwise follow the proxy's X-Forwarded-Host."
      : 'SIGNALWIRE_SIGNING_KEY requires SWML_PROXY_URL_BASE (the public URL SignalWire signs, e.g. https://agent.example.com) or direct TLS with SWML_DOMAIN.',
  };
}

/** Credentials and tokens in clear text, or webhook URLs that follow a proxy's headers: warnings. */
export function transportWarnings(t: {
  tlsEnabled: boolean;
  proxyUrlBase: string | undefined;
  trustProxy: number;
}): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const warn = (code: string, message: string) => out.push({ level: 'warning', code, message });
  if (t.proxyUrlBase?.startsWith('http:'))
    warn(
      'WRN_SWML_HTTP_PROXY_URL',
      'SWML_PROXY_URL_BASE is http: webhook credentials and tokens travel in clear text (refused in production).',
    );
  else if (!t.tlsEnabled && !t.proxyUrlBase?.startsWith('https:') && t.trustProxy === 0)
    warn(
      'WRN_SWML_NO_TLS',
      'TLS is off and no https SWML_PROXY_URL_BASE is set: credentials and tokens travel in clear text.',
    );
  if (t.trustProxy > 0 && !t.proxyUrlBase)
    warn(
      'WRN_SWML_TRUST_PROXY_NO_BASE',
      "SWML_TRUST_PROXY is set without SWML_PROXY_URL_BASE: webhook URLs follow the proxy's X-Forwarded-Host.",
    );
  return out;
}

/** Where the ports bind: the internal port beyond loopback, or HOST given as a name. */
export function bindWarnings(b: { host: string; metricsHost: string }): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  if (!isLoopback(b.metricsHost))
    out.push({
      level: 'warning',
      code: 'WRN_SWML_METRICS_PUBLIC',
      message: `METRICS_HOST=${b.metricsHost}: /metrics and /admin listen beyond loopback; never publish that port.`,
    });
  const { host } = b;
  if (host !== '0.0.0.0' && host !== '::' && !isLoopback(host) && isIP(host) === 0 && host !== 'localhost')
    out.push({
      level: 'warning',
      code: 'WRN_SWML_HOST_NAME',
      message: `HOST=${host} is a name, not an address; binding follows DNS.`,
    });
  return out;
}
