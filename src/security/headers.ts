// Security headers for a JSON API (helmet), computed once at startup into a flat [name, value, ...] list.
import { IncomingMessage, type ServerResponse } from 'node:http';
import helmet from 'helmet';

/** Sent only on requests that really arrived over TLS (see src/http/respond.ts). */
export const HSTS = ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as const;

/**
 * helmet with the defaults a browser page needs turned down to what a JSON API needs: nothing may be
 * framed, loaded or embedded. HSTS is left out because helmet would send it over plain HTTP too (a header
 * a browser ignores there, and a false promise in a scan); the responder adds it per request.
 *
 * Why run helmet once instead of per request: its headers do not depend on the request with these
 * options, and setting a dozen headers one by one on every response was measurable. helmet stays the
 * source of truth: its middleware runs here against a recording response, and what it set is the list.
 *
 * @example
 * securityHeaders(); // ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'", ...]
 */
export function securityHeaders(): readonly string[] {
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xPoweredBy: true,
    xFrameOptions: { action: 'deny' },
  });
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      headers.delete(name);
    },
    getHeader: (name: string) => headers.get(name),
  };
  let called = false;
  middleware(
    Object.assign(Object.create(IncomingMessage.prototype) as IncomingMessage, { method: 'GET', url: '/' }),
    recorder as unknown as ServerResponse,
    () => {
      called = true;
    },
  );
  if (!called) throw new Error('helmet did not complete synchronously: its headers cannot be precomputed');
  return [...headers].flat();
}
