// The access log through pino-http, configured lean: one line per answered request, `req.log` for handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { requestId } from '../http/context.js';
import { LOG_LIMITS, clip } from './limits.js';
import { refusalAggregator, type RefusalAggregator } from './refusal-aggregator.js';
import { redactUrl } from './url-redact.js';

const PROBES = new Set(['/health', '/ready']);
const COMPLETED = 'request completed';
/** How every access line ends (pino writes the message last): the log sink routes lines by it. */
export const ACCESS_LINE_END = `,"msg":"${COMPLETED}"}\n`;

const levelOf = (status: number) => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');
const pathOf = (url: string) => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};
const ipOf = (req: IncomingMessage) => clip((req as Request).state?.ip ?? 'unknown', LOG_LIMITS.ip);

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
 * The access line keeps pino-http's shape (`reqId`, `req`, `res`, `responseTime`, "request completed")
 * and carries no header at all: the serializers build only the id, method, redacted URL (cut to
 * LOG_LIMITS.url) and client address of the request, and the status of the response. What pino-http
 * would do per request that nothing reads is turned off: no `customProps` (evaluated twice per request),
 * no wrapped std serializers, probes (/health, /ready) not logged, no "request errored" line with a
 * synthetic stack for a 5xx (the level says it). `req.log` (quietReqLogger: bound to `reqId` only) is
 * what handlers log through, and `ctx.logger` builds on it (src/observability/tool-logger.ts).
 * A request aborted before its answer writes no line, as before; refused ones are aggregated above.
 */
export function accessLog(logger: Logger, refusals: RefusalAggregator): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (req) => requestId(req),
    quietReqLogger: true,
    wrapSerializers: false,
    autoLogging: { ignore: (req) => PROBES.has(pathOf(req.url ?? '')) },
    serializers: {
      req: (req: Request) => ({
        id: req.id,
        method: req.method,
        url: clip(redactUrl(req.originalUrl || req.url), LOG_LIMITS.url),
        ip: ipOf(req),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel(req, res, err) {
      if (err !== undefined) return 'error';
      if (!res.writableEnded) return 'silent';
      const status = res.statusCode;
      if (status >= 400 && !refusals.admit(`http_${status}`, ipOf(req), { status })) return 'silent';
      return levelOf(status);
    },
    customSuccessMessage: () => COMPLETED,
    customErrorMessage: () => COMPLETED,
    customErrorObject: (_req, _res, _err, value: { res: unknown; responseTime: number }) => ({
      res: value.res,
      responseTime: value.responseTime,
    }),
  });
}
