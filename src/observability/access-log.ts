// Access log (pino-http) and request metrics: request ids, level by status, /health skipped, URLs redacted.
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { requestId } from '../http/context.js';
import type { Metrics } from './metrics.js';
import { redactUrl } from './redact.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const QUIET = new Set(['/health', '/ready']);

/**
 * Times every request into `swml_http_request_duration_seconds` with the route TEMPLATE the handler
 * set in `res.locals.route` (never the raw path), and writes one access line per request.
 * Headers are not logged at all: the line carries method, redacted URL, status, time, ip and id.
 */
export function accessLog(logger: Logger, metrics: Metrics) {
  const http = pinoHttp({
    logger,
    genReqId: (req: IncomingMessage) => requestId(req as Request),
    quietReqLogger: true,
    wrapSerializers: false,
    autoLogging: { ignore: (req: IncomingMessage) => QUIET.has((req.url ?? '').split('?')[0] ?? '') },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      // wrapSerializers: false hands us the raw request: no header is ever copied into the line.
      req: (req: Request) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.originalUrl || req.url),
        ip: req.ip,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });

  return function accessLogMiddleware(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    res.once('finish', () => {
      const route = (res.locals.route as string | undefined) ?? 'unmatched';
      metrics.httpDuration.observe(
        {
          method: METHODS.has(req.method) ? req.method : 'OTHER',
          route,
          status_code: String(res.statusCode),
        },
        (performance.now() - started) / 1000,
      );
    });
    http(req, res, next);
  };
}
