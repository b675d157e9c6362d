// A small HTTP(S) client for `call`, `emergency` and `status`: private CAs (--cacert), curl-style --resolve,
// and Basic Auth taken out of the URL (fetch refuses URLs with credentials; SignalWire sends them as userinfo).
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { CliError } from './output.js';

export interface ClientOptions {
  /** Extra trusted CA certificates (PEM), added to Node's public roots. */
  ca?: string;
  /** `host:port:address` pins, as curl's --resolve. */
  resolve?: { host: string; port: number; address: string }[];
  timeoutMs?: number;
  /** Accept any certificate: only to read an untrusted or expired one (doctor --url), never to send credentials. */
  insecure?: boolean;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** Over HTTPS: the negotiated protocol and the server certificate's expiry. */
  tls?: { protocol: string | null; validFrom: string | undefined; validTo: string | undefined };
}

/** Parses curl's `host:port:address` (IPv6 addresses may be in brackets). */
export function parseResolve(value: string): { host: string; port: number; address: string } {
  const m = /^([^:]+):(\d{1,5}):\[?([^\]]+)\]?$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m?.[1] || !m[3] || port < 1 || port > 65535) {
    throw new CliError(`--resolve ${JSON.stringify(value)} is not host:port:address`, {
      fix: 'use the curl form, e.g. --resolve agent.localhost:8443:127.0.0.1',
      exitCode: 2,
    });
  }
  return { host: m[1].toLowerCase(), port, address: m[3] };
}

export function pinnedLookup(
  pins: NonNullable<ClientOptions['resolve']>,
  port: number,
): LookupFunction | undefined {
  if (pins.length === 0) return undefined;
  return (hostname, options, callback) => {
    const pin = pins.find((p) => p.host === hostname.toLowerCase() && p.port === port);
    if (!pin) {
      void import('node:dns').then(({ lookup }) => lookup(hostname, options, callback));
      return;
    }
    const family = pin.address.includes(':') ? 6 : 4;
    // Node >= 20 asks for every address (autoSelectFamily) or for one; answer in the shape it asked for.
    if (options.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: pin.address, family },
      ]);
    else callback(null, pin.address, family);
  };
}

/** Sends one request; never rejects with a stack-bearing error: network failures become CliErrors with a fix. */
export function send(
  method: string,
  rawUrl: string,
  options: ClientOptions & {
    headers?: Record<string, string>;
    body?: string;
    auth?: { user: string; password: string };
  },
): Promise<HttpResponse> {
  const url = new URL(rawUrl);
  const user = url.username ? decodeURIComponent(url.username) : options.auth?.user;
  const password = url.password ? decodeURIComponent(url.password) : options.auth?.password;
  url.username = '';
  url.password = '';
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const headers: Record<string, string> = {
    accept: 'application/json',
    connection: 'close',
    ...options.headers,
  };
  if (user !== undefined && password !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  const req: RequestOptions & { ca?: string[] } = {
    method,
    headers,
    timeout: options.timeoutMs ?? 15_000,
    agent: false,
    lookup: pinnedLookup(options.resolve ?? [], port),
  };
  if (options.ca !== undefined) req.ca = [...rootCertificates, options.ca];
  if (options.insecure === true) (req as { rejectUnauthorized?: boolean }).rejectUnauthorized = false;
  const shown = `${method} ${url.origin}${url.pathname}`;
  const doRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return Promise.reject(
      new CliError(`unsupported URL scheme ${url.protocol}`, { fix: 'use an http:// or https:// URL' }),
    );
  }
  return new Promise((resolvePromise, reject) => {
    const r = doRequest(url, req, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const socket = res.socket as Partial<TLSSocket>;
      const tls = socket.getPeerCertificate
        ? {
            protocol: socket.getProtocol?.() ?? null,
            validFrom: socket.getPeerCertificate().valid_from as string | undefined,
            validTo: socket.getPeerCertificate().valid_to as string | undefined,
          }
        : undefined;
      res.on('end', () =>
        resolvePromise({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
          tls,
        }),
      );
      res.on('error', (err) => reject(networkError(shown, err)));
    });
    r.on('timeout', () => r.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    r.on('error', (err) => reject(networkError(shown, err)));
    r.end(options.body);
  });
}

const FIXES: Record<string, string> = {
  ECONNREFUSED: 'is the agent running, and is the host:port right?',
  ENOTFOUND: 'check the host name, or pin it with --resolve host:port:address',
  ETIMEDOUT: 'the server did not answer in time: check the address and any firewall',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'trust its certificate with --cacert <PEM file>',
  SELF_SIGNED_CERT_IN_CHAIN:
    "trust the private CA with --cacert <PEM> (Caddy's local root: <data dir>/caddy/pki/authorities/local/root.crt)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "trust the private CA with --cacert <PEM> (Caddy's local root: <data dir>/caddy/pki/authorities/local/root.crt)",
  ERR_TLS_CERT_ALTNAME_INVALID:
    'call the host name on the certificate, and pin its address with --resolve host:port:address',
  CERT_HAS_EXPIRED: 'the server certificate has expired: renew it',
};

function networkError(shown: string, err: Error): CliError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return new CliError(
    `${shown} failed: ${code || err.message}${code && err.message && !err.message.includes(code) ? ` (${err.message})` : ''}`,
    {
      fix: FIXES[code] ?? 'check the URL and that the server is reachable',
    },
  );
}
