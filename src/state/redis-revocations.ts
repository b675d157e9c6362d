// Revoked calls in Redis (shared by replicas, until the tokens' own expiry), with a local copy and a queue for outages.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MemoryRevocationStore } from './memory.js';
import { errorSummary } from './outage-log.js';
import { SharedStateUnavailableError } from './redis-emergency.js';
import type { RevocationStore } from './types.js';

const key = (callId: string) => `swml:revoked:${callId}`;

/**
 * Why a local copy and a queue: `post_prompt` must end the call even while Redis is down. The revocation
 * takes effect on this replica at once (the local copy is read before Redis, and costs no round trip),
 * is queued, and is written when Redis is back (on reconnect, and on every `retry()`), so no revocation is
 * lost to an outage the process survives. Keys expire at the tokens' own expiry (`SET ... EXAT`), not a
 * TTL counted from the revocation. Durability across a Redis restart is Redis' persistence (appendonly).
 */
export class RedisRevocationStore implements RevocationStore {
  readonly #local = new MemoryRevocationStore();
  /** Bounded like the local copy (100000; the earliest to expire goes first), so a long outage cannot grow it. */
  readonly #queued = new MemoryRevocationStore();
  #retrying = false;

  constructor(
    private readonly client: Redis,
    private readonly logger: Logger,
  ) {}

  async revokeCall(callId: string, until: number): Promise<void> {
    this.#local.set(callId, until);
    try {
      await this.client.set(key(callId), '1', 'EXAT', until);
    } catch (err) {
      this.#queued.set(callId, until);
      throw new SharedStateUnavailableError(
        `revocation queued until Redis is back: ${errorSummary(err).message}`,
      );
    }
  }

  async isRevoked(callId: string): Promise<boolean> {
    if (this.#local.has(callId)) return true;
    return (await this.client.exists(key(callId))) === 1;
  }

  /** How many revocations wait for Redis. */
  get queued(): number {
    return this.#queued.size;
  }

  /** Writes queued revocations (oldest first); stops at the first failure and keeps the rest. */
  async retry(): Promise<void> {
    if (this.#retrying || this.#queued.size === 0) return;
    this.#retrying = true;
    let written = 0;
    try {
      this.#queued.sweep();
      for (const [callId, until] of [...this.#queued.entries()]) {
        await this.client.set(key(callId), '1', 'EXAT', until);
        this.#queued.delete(callId, until);
        written += 1;
      }
    } catch {
      // Still down: the reconnect (or the next poll) tries again.
    } finally {
      this.#retrying = false;
      if (written > 0)
        this.logger.info({ written, still_queued: this.#queued.size }, 'queued revocations written to Redis');
    }
  }
}
