// Fixed-window counters on express-rate-limit stores, for limits that answer in SWAIG or SWML, not HTTP 429.
import type { Options, Store } from 'express-rate-limit';

export interface WindowCounter {
  /** Counts one hit for `key`; true when the hit is over `limit`. */
  hit(key: string, limit: number): Promise<boolean>;
}

/** Wraps a store (memory or Redis) as a counter with a fixed window. */
export function windowCounter(store: Store, windowMs: number): WindowCounter {
  // init() only reads windowMs from the options object (memory and rate-limit-redis stores alike).
  // A failed init (Redis down) must not be an unhandled rejection: hit() reports the outage.
  void Promise.resolve(store.init?.({ windowMs } as Options)).catch(() => undefined);
  return {
    async hit(key, limit) {
      const { totalHits } = await store.increment(key);
      return totalHits > limit;
    },
  };
}
