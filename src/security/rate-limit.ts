// HTTP-level limiters (express-rate-limit): per client IP on all webhooks, and failed Basic Auth per IP.
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { sendError } from '../http/errors.js';
import { errorSummary, type OutageReporter } from '../state/outage-log.js';

const MINUTE = 60_000;
export const AUTH_FAILURE_WINDOW_MS = 15 * MINUTE;

/** The client key: the address Express derived from the socket and the trusted hops only (req.ip). */
export function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

export interface LimiterHooks {
  /** Called once per refused request (metrics + audit). */
  onLimited(req: Request, limiter: 'ip' | 'auth'): void;
  logger: Logger;
  /** Store (Redis) failures: one throttled line per path naming the decision taken. */
  reportOutage: OutageReporter;
}

/** express-rate-limit's logger: store errors become outage reports, anything else one plain line. */
function limiterLogger(hooks: LimiterHooks) {
  const log = (level: 'error' | 'warn') => (error: unknown, message?: string) => {
    if (message?.startsWith('express-rate-limit: error from store'))
      return hooks.reportOutage('ip_limit', error);
    hooks.logger[level]({ limiter: 'ip', error: errorSummary(error) }, message ?? 'express-rate-limit');
  };
  return { error: log('error'), warn: log('warn') };
}

/**
 * Per-IP limit on every webhook, with draft-8 `RateLimit`/`RateLimit-Policy` headers and `Retry-After`.
 * Fails open when the store (Redis) errors: availability over throttling; the error is logged.
 */
export function ipRateLimit(options: { limit: number; store: Store; hooks: LimiterHooks }) {
  return rateLimit({
    windowMs: MINUTE,
    limit: options.limit,
    store: options.store,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'ip',
    keyGenerator: clientKey,
    passOnStoreError: true,
    logger: limiterLogger(options.hooks),
    validate: { xForwardedForHeader: false, trustProxy: false, singleCount: false },
    handler(req: Request, res: Response) {
      options.hooks.onLimited(req, 'ip');
      sendError(res, 429);
    },
  } satisfies Partial<Options>);
}

/**
 * Brute-force guard: counts failed Basic Auth per IP; once over the limit, every request from that IP
 * gets 429 until the window ends, even with the right password (a guess that lands late is still refused).
 * Successful requests cost one read, not a write.
 */
export function authFailureGuard(options: { limit: number; store: Store; hooks: LimiterHooks }) {
  const { store, limit, hooks } = options;
  void Promise.resolve(store.init?.({ windowMs: AUTH_FAILURE_WINDOW_MS } as Options)).catch((err: unknown) =>
    hooks.reportOutage('auth_limit', err),
  );
  const policy = `"auth";q=${limit};w=${AUTH_FAILURE_WINDOW_MS / 1000}`;

  function setHeaders(res: Response, hits: number, resetTime: Date | undefined): number {
    const reset = Math.max(
      0,
      Math.ceil(((resetTime?.getTime() ?? Date.now() + AUTH_FAILURE_WINDOW_MS) - Date.now()) / 1000),
    );
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `"auth";r=${Math.max(0, limit - hits)};t=${reset}`);
    return reset;
  }

  return {
    /** Middleware placed before Basic Auth. */
    gate: async function authFailureGate(req: Request, res: Response, next: NextFunction): Promise<void> {
      let info;
      try {
        info = await store.get?.(clientKey(req));
      } catch (err) {
        hooks.reportOutage('auth_limit', err);
        return next();
      }
      if (info === undefined || info.totalHits < limit) return next();
      res.setHeader('Retry-After', String(setHeaders(res, info.totalHits, info.resetTime)));
      hooks.onLimited(req, 'auth');
      sendError(res, 429);
    },
    /** Counts one failure for the request's client. */
    async recordFailure(req: Request): Promise<void> {
      try {
        await store.increment(clientKey(req));
      } catch (err) {
        hooks.reportOutage('auth_limit_record', err);
      }
    },
  };
}
