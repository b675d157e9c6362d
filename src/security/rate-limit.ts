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
 *
 * Why count and decide in one step: the gate's read happens before the password check, so a burst of
 * guesses sent at once all read "under the limit" before any of their increments land. Each failed
 * attempt's own increment result (atomic: INCR in Redis, a synchronous add in memory) therefore decides
 * between 401 and 429: of N parallel wrong guesses, at most `limit` are 401. Successful requests still cost
 * one read and no write.
 */
export function authFailureGuard(options: { limit: number; store: Store; hooks: LimiterHooks }) {
  const { store, limit, hooks } = options;
  void Promise.resolve(store.init?.({ windowMs: AUTH_FAILURE_WINDOW_MS } as Options)).catch((err: unknown) =>
    hooks.reportOutage('auth_limit', err),
  );
  const policy = `"auth";q=${limit};w=${AUTH_FAILURE_WINDOW_MS / 1000}`;

  function refuse(req: Request, res: Response, hits: number, resetTime: Date | undefined): void {
    const reset = Math.max(
      0,
      Math.ceil(((resetTime?.getTime() ?? Date.now() + AUTH_FAILURE_WINDOW_MS) - Date.now()) / 1000),
    );
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader('RateLimit', `"auth";r=${Math.max(0, limit - hits)};t=${reset}`);
    res.setHeader('Retry-After', String(reset));
    hooks.onLimited(req, 'auth');
    sendError(res, 429);
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
      refuse(req, res, info.totalHits, info.resetTime);
    },
    /**
     * Counts one failure for the request's client and decides with the count it got back: returns true
     * after answering 429 when this failure is over the limit, false when the caller should answer 401.
     * A store error fails open (false), as the gate does.
     */
    async countFailure(req: Request, res: Response): Promise<boolean> {
      let hits: number;
      let resetTime: Date | undefined;
      try {
        ({ totalHits: hits, resetTime } = await store.increment(clientKey(req)));
      } catch (err) {
        hooks.reportOutage('auth_limit_record', err);
        return false;
      }
      if (hits <= limit) return false;
      refuse(req, res, hits, resetTime);
      return true;
    },
  };
}
