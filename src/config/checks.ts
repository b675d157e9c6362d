// Cross-field checks: secret strength, production refusals, TLS files, the proxy base URL, risk warnings.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { isIP } from 'node:net';
import { ConfigError, GENERATE_HINT, type ConfigWarning } from './errors.js';
import type { Config } from './index.js';

const MIN_SECRET = 32;

function typoHint(typos: [string, string][], name: string): string {
  const hit = typos.find(([, suggestion]) => suggestion === name);
  return hit ? ` (found ${hit[0]}: did you mean ${name}?)` : '';
}

/** Secrets: weak ones are fatal in production; a short token secret or admin token is fatal everywhere. */
export function checkSecrets(s: {
  production: boolean;
  password: string | undefined;
  secret: string | undefined;
  previousSecret: string | undefined;
  adminToken: string | undefined;
  typos: [string, string][];
}): void {
  if (s.secret !== undefined && Buffer.byteLength(s.secret) < MIN_SECRET) {
    throw new ConfigError(
      'ERR_SWML_WEAK_TOKEN_SECRET',
      `SWML_TOKEN_SECRET must be at least ${MIN_SECRET} bytes; got ${Buffer.byteLength(s.secret)}. Fix: ${GENERATE_HINT}.`,
    );
  }
  if (s.previousSecret !== undefined && Buffer.byteLength(s.previousSecret) < MIN_SECRET) {
    throw new ConfigError(
      'ERR_SWML_WEAK_TOKEN_SECRET',
      `SWML_TOKEN_SECRET_PREVIOUS must be at least ${MIN_SECRET} bytes; got ${Buffer.byteLength(s.previousSecret)}. Fix: set it to the secret being rotated out (it was at least ${MIN_SECRET} bytes), or unset it.`,
    );
  }
  if (s.adminToken !== undefined && s.adminToken.length < MIN_SECRET) {
    throw new ConfigError(
      'ERR_SWML_WEAK_ADMIN_TOKEN',
      `SWML_ADMIN_TOKEN must be at least ${MIN_SECRET} characters; got ${s.adminToken.length}. Fix: ${GENERATE_HINT}.`,
    );
  }
  if (!s.production) return;
  if (s.password === undefined) {
    throw new ConfigError(
      'ERR_SWML_WEAK_PASSWORD',
      `NODE_ENV=production requires SWML_BASIC_AUTH_PASSWORD (a generated password changes on every restart)${typoHint(s.typos, 'SWML_BASIC_AUTH_PASSWORD')}. Fix: ${GENERATE_HINT}.`,
    );
  }
  if (s.password.length < MIN_SECRET) {
    throw new ConfigError(
      'ERR_SWML_WEAK_PASSWORD',
      `SWML_BASIC_AUTH_PASSWORD must be at least ${MIN_SECRET} characters in production; got ${s.password.length}. Fix: ${GENERATE_HINT}.`,
    );
  }
  if (s.secret === undefined) {
    throw new ConfigError(
      'ERR_SWML_WEAK_TOKEN_SECRET',
      `NODE_ENV=production requires SWML_TOKEN_SECRET (a random per-process secret breaks secure tools on restart and across replicas)${typoHint(s.typos, 'SWML_TOKEN_SECRET')}. Fix: ${GENERATE_HINT}.`,
    );
  }
}

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

/** SWML_PROXY_URL_BASE: absolute http(s), no credentials, query or fragment; trailing slash dropped, path kept. */
export function parseProxyBase(value: string): string {
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

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Settings that work but are risky: each warns once at startup with a documented code. */
export function riskWarnings(c: Config, typos: [string, string][]): ConfigWarning[] {
  const w: ConfigWarning[] = typos.map(([given, known]) => ({
    code: 'WRN_SWML_UNKNOWN_ENV',
    message: `${given} is not a swml-guard setting; did you mean ${known}?`,
  }));
  if (c.basicAuth.generated) {
    w.push({
      code: 'WRN_SWML_GENERATED_PASSWORD',
      message:
        'SWML_BASIC_AUTH_PASSWORD is unset: a random password was generated for this run (development only).',
    });
  } else if (c.basicAuth.password.length < 32) {
    w.push({
      code: 'WRN_SWML_WEAK_PASSWORD',
      message: `SWML_BASIC_AUTH_PASSWORD has ${c.basicAuth.password.length} characters; use 32 or more.`,
    });
  }
  if (c.token.generated) {
    w.push({
      code: 'WRN_SWML_GENERATED_TOKEN_SECRET',
      message:
        'SWML_TOKEN_SECRET is unset: a random per-process secret is used, so restarts and replicas will break secure tools.',
    });
  }
  if (!c.tls.enabled && !c.proxyUrlBase?.startsWith('https:') && c.trustProxy === 0) {
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
  if (c.adminToken === undefined) {
    w.push({
      code: 'WRN_SWML_ADMIN_DISABLED',
      message: 'SWML_ADMIN_TOKEN is unset: the runtime emergency switch (/admin) is off.',
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
