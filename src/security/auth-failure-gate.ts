// Failed Basic Auth per client IP (SWML_AUTH_FAILURE_LIMIT per 15 minutes): over it, 429 even with the password.
import type { Options, Store } from 'express-rate-limit';
import type { Unit } from '../http/pipeline.js';
import type { RequestState } from '../http/request-state.js';
import { refusal, type Countable, type Refusal } from '../http/refusal.js';
import type { OutageReporter } from '../state/outage-log.js';
import { clientKeys, resetSeconds } from './client-key.js';

const AUTH_FAILURE_WINDOW_MS = 15 * 60_000;

export interface AuthFailureGateOptions {
  limit: number;
  store: Store;
  /** swml_rate_limited_total{limiter="auth"}. */
  limited: Countable;
  reportOutage: OutageReporter;
}

export interface AuthFailureGate extends Unit {
  /**
   * Counts one failed Basic Auth for the request's client and decides with the count it got back: the 429
   * refusal when this failure is over the limit, undefined when the caller should answer 401. A store
   * error fails open (undefined), as the gate does.
   */
  countFailure(state: RequestState): Promise<Refusal | undefined>;
}

/**
 * Brute-force guard, placed before Basic Auth: once a client is over the limit, every request from it gets
 * 429 until the window ends, even with the right password (a guess that lands late is still refused).
 *
 * Why count and decide in one step: the gate's read happens before the password check, so a burst of
 * guesses sent at once all read "under the limit" before any of their increments land. Each failed
 * attempt's own increment result (atomic: INCR in Redis, a synchronous add in memory) therefore decides
 * between 401 and 429: of N parallel wrong guesses, at most `limit` are 401. Successful requests cost one
 * read and no write.
 */
export function authFailureGate(options: AuthFailureGateOptions): AuthFailureGate {
  const { store, limit, limited, reportOutage } = options;
  void Promise.resolve(store.init?.({ windowMs: AUTH_FAILURE_WINDOW_MS } as Options)).catch((err: unknown) =>
    reportOutage('auth_limit', err),
  );
  const keys = clientKeys();
  const policy = `"auth";q=${limit};w=${AUTH_FAILURE_WINDOW_MS / 1000}`;
  const fields = { counts: [limited], audit: 'rate_limited', details: { limiter: 'auth' } };

  function refused(hits: number, resetTime: Date | undefined): Refusal {
    const reset = resetSeconds(resetTime, AUTH_FAILURE_WINDOW_MS);
    return refusal(429, {
      ...fields,
      headers: [
        'RateLimit-Policy',
        policy,
        'RateLimit',
        `"auth";r=${Math.max(0, limit - hits)};t=${reset}`,
        'Retry-After',
        String(reset),
      ],
    });
  }

  return {
    name: 'auth-failure-gate',
    async run(_req, _res, state) {
      let info;
      try {
        info = await store.get?.(keys(state.ip).key);
      } catch (err) {
        reportOutage('auth_limit', err);
        return undefined;
      }
      return info === undefined || info.totalHits < limit
        ? undefined
        : refused(info.totalHits, info.resetTime);
    },
    async countFailure(state) {
      let hits: number;
      let resetTime: Date | undefined;
      try {
        ({ totalHits: hits, resetTime } = await store.increment(keys(state.ip).key));
      } catch (err) {
        reportOutage('auth_limit_record', err);
        return undefined;
      }
      return hits <= limit ? undefined : refused(hits, resetTime);
    },
  };
}
