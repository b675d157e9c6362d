// The rate-limit key of a client address, and its draft-8 partition key, computed once per address.
import { createHash } from 'node:crypto';
import { ipKeyGenerator } from 'express-rate-limit';

/** Addresses remembered; the cache starts over when full (the values are cheap to compute again). */
const MAX_ENTRIES = 10_000;

export interface ClientKey {
  /** The limiter key: the address, IPv6 reduced to its /56 (express-rate-limit's ipKeyGenerator). */
  readonly key: string;
  /** express-rate-limit's draft-8 partition key: 12 hex digits of SHA-256 of the key, in base64. */
  readonly partition: string;
}

/**
 * Why a cache: the key (an IPv6 parse) and the partition key (a SHA-256) depend only on the address,
 * and computing both on every request cost as much as the limiter's count itself. The key is what
 * express-rate-limit derives, so counts in a shared Redis agree with any replica using its middleware.
 *
 * @example
 * const keys = clientKeys();
 * keys('::ffff:127.0.0.1').key; // '127.0.0.1'
 */
export function clientKeys(): (ip: string) => ClientKey {
  const cache = new Map<string, ClientKey>();
  return function clientKey(ip) {
    let entry = cache.get(ip);
    if (entry === undefined) {
      const key = ipKeyGenerator(ip);
      const hex = createHash('sha256').update(key).digest('hex').slice(0, 12);
      entry = { key, partition: Buffer.from(hex).toString('base64') };
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(ip, entry);
    }
    return entry;
  };
}

/** Seconds until `resetTime` (express-rate-limit's rounding), or the whole window when the store gave none. */
export function resetSeconds(resetTime: Date | undefined, windowMs: number, now = Date.now()): number {
  return resetTime ? Math.max(0, Math.ceil((resetTime.getTime() - now) / 1000)) : Math.ceil(windowMs / 1000);
}
