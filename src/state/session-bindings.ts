// Sessions bound to the call_id of their first SWAIG request: set once, atomically, shared by every replica.
import type { Redis } from 'ioredis';
import type { SessionBindingStore } from './types.js';

const MAX_SESSIONS = 100_000;
/** Bindings a Redis replica remembers locally (they never change, so a stale entry cannot exist). */
const MAX_SEEN = 10_000;

/** One replica: a map with expiry; expired entries swept on write, the oldest dropped past the cap. */
export class MemorySessionBindings implements SessionBindingStore {
  readonly #bound = new Map<string, { callId: string; until: number }>();

  bind(session: string, callId: string, ttlSeconds: number): Promise<string | undefined> {
    const now = Date.now();
    const existing = this.#bound.get(session);
    if (existing !== undefined && existing.until > now) return Promise.resolve(existing.callId);
    if (this.#bound.size >= MAX_SESSIONS) {
      for (const [id, entry] of this.#bound) if (entry.until <= now) this.#bound.delete(id);
      while (this.#bound.size >= MAX_SESSIONS) {
        const oldest = this.#bound.keys().next().value;
        if (oldest === undefined) break;
        this.#bound.delete(oldest);
      }
    }
    this.#bound.set(session, { callId, until: now + ttlSeconds * 1000 });
    return Promise.resolve(callId);
  }
}

/**
 * `SET key callId NX EX ttl` is the atomic step: of two replicas binding the same session to different
 * calls at the same moment, exactly one wins, and the other reads the winner. Works on every Redis version.
 * A binding never changes once made, so each replica keeps the ones it has seen (bounded) and asks Redis
 * only the first time: the calls after the first cost no round trip.
 */
export class RedisSessionBindings implements SessionBindingStore {
  readonly #seen = new Map<string, { callId: string; until: number }>();

  constructor(private readonly client: Redis) {}

  async bind(session: string, callId: string, ttlSeconds: number): Promise<string | undefined> {
    const known = this.#seen.get(session);
    if (known !== undefined && known.until > Date.now()) return known.callId;
    const key = `swml:session:${session}`;
    const bound =
      (await this.client.get(key)) ??
      ((await this.client.set(key, callId, 'EX', ttlSeconds, 'NX')) === 'OK'
        ? callId
        : await this.client.get(key));
    if (bound === null) return undefined;
    if (this.#seen.size >= MAX_SEEN) this.#seen.delete(this.#seen.keys().next().value as string);
    this.#seen.set(session, { callId: bound, until: Date.now() + ttlSeconds * 1000 });
    return bound;
  }
}
