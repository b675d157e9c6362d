// Cross-field checks: TLS files, the proxy base URL, signing, risk warnings (secrets: secrets.ts).
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { isIP } from 'node:net';
import { ConfigError, type ConfigWarning } from './errors.js';
import type { Config } from './index.js';

/** Direct TLS: both files readable, a valid matching pair, and a domain; never a silent fallback to HTTP. */
export function checkTls(t: {
  enabled: boolean;
  certPath: string | undefined;
  keyPath: string | undefined;
  domain: string | undefined;
}): Config['tls'] {
  if (!t.enabled) return { enabled: false };
  const read = (name: string, path: string | undefined): Buffer => {
    if (!path) throw new ConfigError('ERR_SWML_TLS_FILES', `SWML_SSL_ENABLED=true requires ${name}.`);
    try {
      return readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(
        'ERR_SWML_TLS_FILES',
        `${name} ${JSON.stringify(path)} cannot be read (${code}).`,
      );
    }
  };
  const cert = read('SWML_SSL_CERT_PATH', t.certPath);
  const key = read('SWML_SSL_KEY_PATH', t.keyPath);
  try {
    createSecureContext({ cert, key });
  } catch {
    throw new ConfigError(
      'ERR_SWML_TLS_FILES',
      'SWML_SSL_CERT_PATH and SWML_SSL_KEY_PATH are not a valid PEM certificate and matching private key.',
    );
  }
  if (!t.domain) {
    throw new ConfigError(
      'ERR_SWML_TLS_DOMAIN',
      "SWML_SSL_ENABLED=true requires SWML_DOMAIN (the certificate's host name).",
    );
  }
  return { enabled: true, cert, key };
}

/**
 * SWML_PROXY_URL_BASE: absolute http(s), no credentials, query or fragment; trailing slash dropped, path kept.
 * In production it must be https: every webhook URL built from it carries the Basic Auth credentials and
 * a function token, and SignalWire would send them in clear text.
 */
export function parseProxyBase(value: string, production = false): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      'ERR_SWML_PROXY_URL',
      // A URL that does not parse may still carry credentials: mask anything before an '@'.
      `SWML_PROXY_URL_BASE must be an absolute URL such as https://agent.example.com; got ${JSON.stringify(value.replace(/^(.*\/\/)?[^/?#]*@/, '$1****@'))}.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      'ERR_SWML_PROXY_URL',
      `SWML_PROXY_URL_BASE must use https (or http); got ${JSON.stringify(url.protocol)}.`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      'ERR_SWML_PROXY_URL',
      'SWML_PROXY_URL_BASE must not contain credentials, a query or a fragment.',
    );
  }
  if (production && url.protocol === 'http:') {
    throw new ConfigError(
      'ERR_SWML_PROXY_URL',
      `SWML_PROXY_URL_BASE must be https in production (NODE_ENV=production); got an http URL, which would send the webhook credentials and function tokens in clear text. Fix: SWML_PROXY_URL_BASE=https://${url.host}${url.pathname.replace(/\/+$/, '')} (terminate TLS at your proxy).`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * Signatures (SPEC 6.3) cover the public URL SignalWire called. That URL must come from our own settings:
 * built from a client's Host or X-Forwarded-* headers, the check would verify a URL the sender chose.
 */
export function checkSigning(c: {
  signingKey: string | undefined;
  proxyUrlBase: string | undefined;
  tlsEnabled: boolean;
}): void {
  if (c.signingKey === undefined || c.proxyUrlBase !== undefined || c.tlsEnabled) return;
  throw new ConfigError(
    'ERR_SWML_SIGNING_URL',
    'SIGNALWIRE_SIGNING_KEY requires SWML_PROXY_URL_BASE (the public URL SignalWire signs, e.g. https://agent.example.com) or direct TLS with SWML_DOMAIN.',
  );
}

/** Node refuses a request timeout shorter than the headers timeout; say so by name instead. */
export function checkServerLimits(s: Config['server']): Config['server'] {
  if (s.requestTimeoutMs < s.headersTimeoutMs) {
    throw new ConfigError(
      'ERR_SWML_INVALID_ENV',
      `SWML_REQUEST_TIMEOUT_MS (${s.requestTimeoutMs}) must be at least SWML_HEADERS_TIMEOUT_MS (${s.headersTimeoutMs}): the whole request includes its headers.`,
    );
  }
  return s;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Settings that work but are risky: each warns once at startup with a documented code. */
export function riskWarnings(
  c: Config,
  typos: [string, string][],
  secrets: readonly ConfigWarning[],
): ConfigWarning[] {
  const w: ConfigWarning[] = typos.map(([given, known]) => ({
    code: 'WRN_SWML_UNKNOWN_ENV',
    message: `${given} is not a swml-guard setting; did you mean ${known}?`,
  }));
  w.push(...secrets);
  if (c.proxyUrlBase?.startsWith('http:')) {
    w.push({
      code: 'WRN_SWML_HTTP_PROXY_URL',
      message:
        'SWML_PROXY_URL_BASE is http: webhook credentials and tokens travel in clear text (refused in production).',
    });
  } else if (!c.tls.enabled && !c.proxyUrlBase?.startsWith('https:') && c.trustProxy === 0) {
    w.push({
      code: 'WRN_SWML_NO_TLS',
      message:
        'TLS is off and no https SWML_PROXY_URL_BASE is set: credentials and tokens travel in clear text.',
    });
  }
  if (c.trustProxy > 0 && !c.proxyUrlBase) {
    w.push({
      code: 'WRN_SWML_TRUST_PROXY_NO_BASE',
      message:
        "SWML_TRUST_PROXY is set without SWML_PROXY_URL_BASE: webhook URLs follow the proxy's X-Forwarded-Host.",
    });
  }
  if (!isLoopback(c.metricsHost)) {
    w.push({
      code: 'WRN_SWML_METRICS_PUBLIC',
      message: `METRICS_HOST=${c.metricsHost}: /metrics and /admin listen beyond loopback; never publish that port.`,
    });
  }
  if (
    c.host !== '0.0.0.0' &&
    c.host !== '::' &&
    !isLoopback(c.host) &&
    isIP(c.host) === 0 &&
    c.host !== 'localhost'
  ) {
    w.push({
      code: 'WRN_SWML_HOST_NAME',
      message: `HOST=${c.host} is a name, not an address; binding follows DNS.`,
    });
  }
  return w;
}
