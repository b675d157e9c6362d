// Reading X-Forwarded-Proto/Host from trusted proxy hops only, picking the value the nearest trusted hop set.
import type { Request } from 'express';

/**
 * Why not `req.protocol`/`req.host`: Express takes the FIRST value of a comma-separated forwarded header,
 * and that value is whatever the client sent when a proxy appends rather than replaces. With N trusted
 * hops the trustworthy value is the one the outermost trusted proxy wrote: the N-th from the right.
 * Returns undefined when no proxy is trusted or the header is absent. (`Forwarded`, RFC 7239, is ignored.)
 */
export function forwardedValue(
  req: Request,
  header: 'x-forwarded-proto' | 'x-forwarded-host',
  hops: number,
): string | undefined {
  if (hops <= 0) return undefined;
  const raw = req.headers[header];
  if (typeof raw !== 'string' || raw === '') return undefined;
  const values = raw.split(',');
  return values[Math.max(0, values.length - hops)]?.trim().toLowerCase() || undefined;
}

/** Did this request really arrive over TLS: direct TLS, or a trusted proxy said https? */
export function arrivedOverTls(req: Request, hops: number): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  return forwardedValue(req, 'x-forwarded-proto', hops) === 'https';
}
