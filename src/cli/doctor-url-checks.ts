// The outside-in checks of `doctor --url`, as pure functions of what the probes saw (unit-tested with tables).
import type { IncomingHttpHeaders } from 'node:http';
import { fail, pass, warn, type Check } from './doctor-model.js';

const DAY = 86_400_000;
/** Browsers and scanners expect a year; less than half a year is a weak promise. */
const HSTS_MIN_SECONDS = 180 * 86_400;

/** What one probe saw: a response, or the network error that stopped it. */
export type Probe =
  | {
      ok: true;
      status: number;
      headers: IncomingHttpHeaders;
      tls?: { protocol: string | null; validFrom?: string; validTo?: string };
    }
  | { ok: false; error: string };

export function httpsCheck(url: URL, probe: Probe): Check {
  if (url.protocol !== 'https:')
    return fail(
      'https',
      `${url.origin} is not HTTPS: credentials and tokens would travel in clear text`,
      'use the https:// URL SignalWire calls (Caddy serves it)',
    );
  if (!probe.ok)
    return fail(
      'https',
      `no trusted HTTPS answer from ${url.host}: ${probe.error}`,
      'fix the certificate (or pass --cacert for a private CA) and check that the host answers',
    );
  return pass(
    'https',
    `trusted certificate for ${url.hostname}${probe.tls?.protocol ? `, ${probe.tls.protocol}` : ''}`,
  );
}

/**
 * Expiry, judged against the certificate's own lifetime: Caddy's local CA issues 12-hour certificates and
 * ACME CAs ever shorter ones, renewed when a third of the lifetime is left. Warn when less than that, or
 * less than 14 days, remains (whichever is shorter); fail once expired.
 */
export function certificateCheck(
  cert: { validFrom?: string; validTo?: string } | undefined,
  now: Date,
): Check {
  if (cert?.validTo === undefined)
    return fail(
      'certificate',
      'no certificate could be read',
      'serve HTTPS with a certificate for this host',
    );
  const until = new Date(cert.validTo).getTime();
  const from = cert.validFrom !== undefined ? new Date(cert.validFrom).getTime() : until - 90 * DAY;
  const left = until - now.getTime();
  const date = new Date(until).toISOString().slice(0, 10);
  const inWords =
    left >= DAY ? `${Math.floor(left / DAY)} days` : `${Math.max(0, Math.floor(left / 3_600_000))} hours`;
  if (left < 0)
    return fail(
      'certificate',
      `the certificate expired on ${date}`,
      'renew it now (Caddy renews by itself when it can reach its CA)',
    );
  if (left < Math.min(14 * DAY, (until - from) / 3))
    return warn(
      'certificate',
      `the certificate expires on ${date} (in ${inWords})`,
      'renew it; with Caddy, check its log for failed renewals',
    );
  return pass('certificate', `valid until ${date} (${inWords} left)`);
}

export function hstsCheck(headers: IncomingHttpHeaders): Check {
  const value = headers['strict-transport-security'];
  if (typeof value !== 'string')
    return fail(
      'hsts',
      'no Strict-Transport-Security header',
      'serve through Caddy (it adds it), or set it at your proxy: max-age=31536000',
    );
  const maxAge = Number(/max-age=(\d+)/i.exec(value)?.[1] ?? 0);
  if (maxAge < HSTS_MIN_SECONDS)
    return warn(
      'hsts',
      `Strict-Transport-Security max-age=${maxAge} is short`,
      'use max-age=31536000 (one year)',
    );
  return pass('hsts', `Strict-Transport-Security: ${value}`);
}

export function redirectCheck(httpUrl: string, probe: Probe, httpsHost: string): Check {
  if (!probe.ok) {
    if (/ECONNREFUSED/.test(probe.error))
      return pass('http_redirect', `nothing listens on ${httpUrl} (no clear-text endpoint)`);
    return warn(
      'http_redirect',
      `${httpUrl} did not answer: ${probe.error}`,
      'answer plain HTTP with a redirect to https (Caddy does), or close the port',
    );
  }
  const location = probe.headers.location;
  if (probe.status >= 300 && probe.status < 400 && typeof location === 'string') {
    let target: URL | undefined;
    try {
      target = new URL(location, httpUrl);
    } catch {
      target = undefined;
    }
    if (target?.protocol === 'https:' && target.host === httpsHost)
      return pass('http_redirect', `${httpUrl} redirects to https (${probe.status})`);
    return fail(
      'http_redirect',
      `${httpUrl} redirects elsewhere: ${target ? `${target.protocol}//${target.host}` : 'an invalid Location'}`,
      `redirect to https://${httpsHost}/`,
    );
  }
  return fail(
    'http_redirect',
    `${httpUrl} answers ${probe.status} over plain HTTP`,
    'redirect plain HTTP to https (Caddy does by default)',
  );
}
