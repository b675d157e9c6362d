// The public base URL (SPEC 5): one rule for the URLs SWML hands SignalWire and the URL signatures cover.
import type { Request } from 'express';
import { isIP } from 'node:net';
import type { Config } from '../config/index.js';
import { forwardedValue } from './forwarded.js';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

/** A host name or IP literal with an optional port: what a forwarded host may look like. */
function isValidHost(value: string): boolean {
  if (value.length === 0 || value.length > 261) return false;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const [, host = '', port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  if (host.startsWith('[')) return isIP(host.slice(1, -1)) === 6;
  return isIP(host) === 4 || HOST_NAME.test(host);
}

/**
 * Builds the rule once. Why the order matters: SignalWire calls back the URLs we put in the SWML, with
 * the Basic Auth credentials in them. If a client could pick the host (the reference SDK trusts any
 * `X-Forwarded-Host` and even stores it), one request would redirect those credentials to an attacker.
 * So, in order:
 * 1. SWML_PROXY_URL_BASE, when set;
 * 2. with SWML_TRUST_PROXY > 0, the trusted hop's `X-Forwarded-Proto`/`-Host`, after syntax checks;
 * 3. with direct TLS, `https://SWML_DOMAIN`, with the port the socket was accepted on unless 443;
 * 4. `http://<Host header's host if it is localhost or an IP, else localhost>:<port>`.
 * Nothing is stored between requests.
 *
 * Signatures (src/security/signature.ts) cover `<this base><path and query>`: the very URL the SWML gave
 * SignalWire, so the two cannot disagree. loadConfig makes sure that, with SIGNALWIRE_SIGNING_KEY set,
 * the rule stops at step 1 or 3 (settings only): a client's headers never choose the URL a signature is
 * checked against (src/config/transport.ts, `signingRule`).
 *
 * @example
 * const base = publicBaseUrl(config);
 * base(req); // 'https://agent.example.com'
 */
export function publicBaseUrl(config: Config): (req: Request) => string {
  if (config.proxyUrlBase) {
    const fixed = config.proxyUrlBase;
    return () => fixed;
  }
  const tlsBase = config.tls.enabled && config.domain ? `https://${config.domain}` : undefined;
  const hops = config.trustProxy;

  return function resolveBaseUrl(req) {
    if (hops > 0) {
      const proto = forwardedValue(req, 'x-forwarded-proto', hops);
      const host = forwardedValue(req, 'x-forwarded-host', hops);
      if ((proto === 'https' || proto === 'http') && host !== undefined && isValidHost(host))
        return `${proto}://${host}`;
    }
    const port = req.socket.localPort ?? config.port;
    if (tlsBase) return port === 443 ? tlsBase : `${tlsBase}:${port}`;
    return `http://${localHost(req.headers.host)}:${port}`;
  };
}

const HOST_HEADER = /^(?:\[([0-9A-Fa-f:.]{2,45})\]|([0-9.]{7,15}|localhost))(?::\d{1,5})?$/;

/**
 * The Host header's host when it is exactly an IP literal or localhost (optional port), else `localhost`.
 * An IPv6 literal counts only in brackets: `Host: ::1:3000` is ambiguous (address `::1:3000`, or `::1`
 * and a port?) and, copied into a URL, gives a malformed one; so anything unusual becomes `localhost`.
 */
function localHost(header: string | undefined): string {
  const match = header === undefined ? null : HOST_HEADER.exec(header);
  if (match === null) return 'localhost';
  const [, v6, other = 'localhost'] = match;
  if (v6 !== undefined) return isIP(v6) === 6 ? `[${v6}]` : 'localhost';
  return other === 'localhost' || isIP(other) === 4 ? other : 'localhost';
}
