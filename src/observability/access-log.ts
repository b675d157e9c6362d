// Access log and request metrics: request ids, level by status, /health skipped, URLs redacted.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestId } from '../http/context.js';
import type { Metrics } from './metrics.js';
import { redactUrl } from './redact.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const QUIET = new Set(['/health', '/ready']);

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Times every request into `swml_http_request_duration_seconds` with the route TEMPLATE the handler
 * set in `res.locals.route` (never the raw path), and writes one access line per request.
 * Headers are not logged at all: the line carries method, redacted URL, status, time, ip and id.
 *
 * Why not pino-http: it builds a child logger for every request (`req.log`), which nothing here uses,
 * and that serialisation was the largest single cost of the access log under load. The line keeps
 * pino-http's shape (`reqId`, `req`, `res`, `responseTime`, "request completed").
 */
export function accessLog(logger: Logger, metrics: Metrics) {
  return function accessLogMiddleware(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    const id = requestId(req);
    req.id = id;
    res.once('finish', () => {
      const ms = performance.now() - started;
      const route = (res.locals.route as string | undefined) ?? 'unmatched';
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      const status = res.statusCode;
      metrics.httpDuration.observe({ method, route, status_code: String(status) }, ms / 1000);
      if (QUIET.has(pathOf(req.url))) return;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      logger[level](
        {
          reqId: id,
          req: { id, method: req.method, url: redactUrl(req.originalUrl || req.url), ip: req.ip },
          res: { statusCode: status },
          responseTime: Math.round(ms),
        },
        'request completed',
      );
    });
    next();
  };
}
