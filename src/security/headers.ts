// Security headers for a JSON API (helmet), with HSTS only on requests that really arrived over TLS.
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { arrivedOverTls } from '../http/forwarded.js';

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * helmet with the defaults a browser page needs turned down to what a JSON API needs: nothing may be
 * framed, loaded or embedded. HSTS is left to `hstsWhenTls` because helmet would send it over plain
 * HTTP too (a header a browser ignores there, and a false promise in a scan).
 */
export function securityHeaders(options: { trustProxy: number }) {
  const base = helmet({
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
  const hops = options.trustProxy;

  return function securityHeadersMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (arrivedOverTls(req, hops)) res.setHeader('Strict-Transport-Security', HSTS);
    base(req, res, next);
  };
}
