// Per client IP on every webhook (SWML_RATE_LIMIT per minute): an express-rate-limit store, draft-8 headers.
import type { Options, Store } from 'express-rate-limit';
import type { Unit } from '../http/pipeline.js';
import { refusal, type Countable } from '../http/refusal.js';
import type { OutageReporter } from '../state/outage-log.js';
import { clientKeys, resetSeconds } from './client-key.js';

const IP_WINDOW_MS = 60_000;

export interface IpLimitOptions {
  limit: number;
  /** An express-rate-limit store (memory, or Redis through rate-limit-redis): its counting semantics. */
  store: Store;
  /** swml_rate_limited_total{limiter="ip"}. */
  limited: Countable;
  /** Store (Redis) failures: one throttled line per path naming the decision taken. */
  reportOutage: OutageReporter;
}

/**
 * Why the store directly instead of express-rate-limit's middleware: the middleware awaited five steps and
 * hashed the client key for the draft-8 `RateLimit-Policy` on every request, about a fifth of a request's
 * cost. The count is the same store call (`increment`, atomic in Redis); the headers are the same
 * draft-8 headers (`"ip"; r=<remaining>; t=<reset>`, the policy with its partition key), on every answer
 * as before, with `Retry-After` on the 429. Fails open when the store errors: availability over
 * throttling; the outage is reported.
 *
 * @example
 * ipLimit({ limit: 600, store, limited: metrics.rateLimited.labels('ip'), reportOutage });
 */
export function ipLimit(options: IpLimitOptions): Unit {
  const { limit, store, limited, reportOutage } = options;
  void Promise.resolve(store.init?.({ windowMs: IP_WINDOW_MS } as Options)).catch((err: unknown) =>
    reportOutage('ip_limit', err),
  );
  const keys = clientKeys();
  const policyHead = `"ip"; q=${limit}; w=${IP_WINDOW_MS / 1000}; pk=:`;
  const base = { counts: [limited], audit: 'rate_limited', details: { limiter: 'ip' } };

  return {
    name: 'ip-limit',
    async run(_req, _res, state) {
      const client = keys(state.ip);
      let hits: number;
      let resetTime: Date | undefined;
      try {
        ({ totalHits: hits, resetTime } = await store.increment(client.key));
      } catch (err) {
        reportOutage('ip_limit', err);
        return undefined;
      }
      const reset = resetSeconds(resetTime, IP_WINDOW_MS);
      state.headers = [
        'RateLimit',
        `"ip"; r=${Math.max(limit - hits, 0)}; t=${reset}`,
        'RateLimit-Policy',
        `${policyHead}${client.partition}:`,
      ];
      return hits > limit ? refusal(429, { ...base, headers: ['Retry-After', String(reset)] }) : undefined;
    },
  };
}
