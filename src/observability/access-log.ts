// Access log and request metrics: request ids, level by status, /health skipped, URLs redacted and bounded.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestId } from '../http/context.js';
import { LOG_LIMITS, clip } from './limits.js';
import type { Metrics } from './metrics.js';
import { refusalAggregator, type RefusalAggregator } from './refusal-aggregator.js';
import { redactUrl } from './url-redact.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const QUIET = new Set(['/health', '/ready']);

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

const levelOf = (status: number) => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');

/**
 * Refused requests (status >= 400) are aggregated per client and status: the first line in full, then
 * one `http 404 x N in 10 s` line per window. An unauthenticated flood therefore writes a bounded
 * number of lines whatever its rate; `swml_http_request_duration_seconds` still counts every request.
 */
export function accessRefusals(logger: Logger, aggregation: { windowMs?: number; maxEntries?: number } = {}) {
  return refusalAggregator({
    ...aggregation,
    emit(s) {
      const status = Number(s.fields.status);
      const where = s.client === null ? ' from other clients' : '';
      logger[levelOf(status)](
        { summary: true, status, ip: s.client, count: s.count, window_s: s.windowS },
        `http ${status} x ${s.count} in ${s.windowS} s${where}`,
      );
    },
  });
}

/**
 * Times every request into `swml_http_request_duration_seconds` with the route TEMPLATE the handler
 * set in `res.locals.route` (never the raw path), and writes one access line per request.
 * Headers are not logged at all: the line carries method, redacted URL (cut to LOG_LIMITS.url), status,
 * time, ip and id.
 *
 * Why not pino-http: it builds a child logger for every request (`req.log`), which nothing here uses,
 * and that serialisation was the largest single cost of the access log under load. The line keeps
 * pino-http's shape (`reqId`, `req`, `res`, `responseTime`, "request completed").
 */
export function accessLog(logger: Logger, metrics: Metrics, refusals: RefusalAggregator) {
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
      const ip = req.ip === undefined ? undefined : clip(req.ip, LOG_LIMITS.ip);
      if (status >= 400 && !refusals.admit(`http_${status}`, ip ?? 'unknown', { status })) return;
      logger[levelOf(status)](
        {
          reqId: id,
          req: {
            id,
            method: req.method,
            url: clip(redactUrl(req.originalUrl || req.url), LOG_LIMITS.url),
            ip,
          },
          res: { statusCode: status },
          responseTime: Math.round(ms),
        },
        'request completed',
      );
    });
    next();
  };
}
