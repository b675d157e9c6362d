// Emergency level and disabled tools in Redis, mirrored in a local cache so reads stay synchronous.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EmergencyLevel } from '../config/index.js';
import { MemoryEmergencyStore } from './memory.js';
import type { OutageReporter } from './outage-log.js';
import type { EmergencyStore } from './types.js';

export const EMERGENCY_KEYS = {
  level: 'swml:emergency:level',
  disabled: 'swml:emergency:disabled',
  channel: 'swml:emergency:changed',
} as const;

const LEVELS = new Set<string>(['off', 'secure', 'all']);

/** Seeds the state when Redis has none (first replica, or Redis restarted empty), then reads it. */
const SYNC_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
  for i = 2, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
end
return { redis.call('GET', KEYS[1]), redis.call('SMEMBERS', KEYS[2]) }`;

/** Raised after a change was applied locally but could not be written to Redis. */
export class SharedStateUnavailableError extends Error {
  override readonly name = 'SharedStateUnavailableError';
}

/**
 * Why a cache: the level is read on every SWML fetch and tool call, which must not wait on Redis.
 * Changes reach other replicas at once through pub/sub (a "changed" nudge; each replica re-reads the
 * keys, so message order never matters) and within `pollMs` through polling if a message was lost.
 * While Redis is down the cache keeps the last known value. A change made during an outage is kept
 * as pending and written when Redis is back, so an operator's switch is never silently reverted.
 */
export class RedisEmergencyStore implements EmergencyStore {
  readonly #cache: MemoryEmergencyStore;
  readonly #client: Redis;
  readonly #logger: Logger;
  readonly #report: OutageReporter;
  #version = 0;
  #pendingLevel: EmergencyLevel | undefined;
  readonly #pendingFunctions = new Map<string, boolean>();
  #synced: Promise<void>;
  #resolveSynced: () => void = () => undefined;

  constructor(options: {
    client: Redis;
    logger: Logger;
    report: OutageReporter;
    level: EmergencyLevel;
    disabled: readonly string[];
  }) {
    this.#cache = new MemoryEmergencyStore(options.level, options.disabled);
    this.#client = options.client;
    this.#logger = options.logger;
    this.#report = options.report;
    this.#synced = new Promise((resolve) => (this.#resolveSynced = resolve));
  }

  level(): EmergencyLevel {
    return this.#cache.level();
  }
  isDisabled(functionName: string): boolean {
    return this.#cache.isDisabled(functionName);
  }
  disabledFunctions(): string[] {
    return this.#cache.disabledFunctions();
  }
  onChange(listener: (level: EmergencyLevel) => void): void {
    this.#cache.onChange(listener);
  }
  /** Resolves after the first successful read from Redis. */
  synced(): Promise<void> {
    return this.#synced;
  }

  async setLevel(level: EmergencyLevel): Promise<void> {
    this.#version += 1;
    this.#cache.apply(level);
    try {
      await this.#client
        .multi()
        .set(EMERGENCY_KEYS.level, level)
        .publish(EMERGENCY_KEYS.channel, 'level')
        .exec();
    } catch (err) {
      this.#pendingLevel = level;
      this.#report('emergency_write', err);
      throw new SharedStateUnavailableError('emergency level not shared: Redis unavailable');
    }
  }

  async setFunctionEnabled(functionName: string, enabled: boolean): Promise<void> {
    this.#version += 1;
    await this.#cache.setFunctionEnabled(functionName, enabled);
    try {
      await this.#writeFunction(functionName, enabled);
    } catch (err) {
      this.#pendingFunctions.set(functionName, enabled);
      this.#report('emergency_write', err);
      throw new SharedStateUnavailableError('disabled tools not shared: Redis unavailable');
    }
  }

  async #writeFunction(functionName: string, enabled: boolean): Promise<void> {
    const tx = this.#client.multi();
    if (enabled) tx.srem(EMERGENCY_KEYS.disabled, functionName);
    else tx.sadd(EMERGENCY_KEYS.disabled, functionName);
    await tx.publish(EMERGENCY_KEYS.channel, 'functions').exec();
  }

  /** Writes changes made during an outage, then adopts Redis' state (seeding it when empty). */
  async refresh(): Promise<void> {
    try {
      if (this.#pendingLevel !== undefined) {
        const level = this.#pendingLevel;
        await this.#client
          .multi()
          .set(EMERGENCY_KEYS.level, level)
          .publish(EMERGENCY_KEYS.channel, 'level')
          .exec();
        if (this.#pendingLevel === level) this.#pendingLevel = undefined;
      }
      for (const [name, enabled] of [...this.#pendingFunctions]) {
        await this.#writeFunction(name, enabled);
        if (this.#pendingFunctions.get(name) === enabled) this.#pendingFunctions.delete(name);
      }
      const version = this.#version;
      const reply = (await this.#client.eval(
        SYNC_SCRIPT,
        2,
        EMERGENCY_KEYS.level,
        EMERGENCY_KEYS.disabled,
        this.#cache.level(),
        ...this.#cache.disabledFunctions(),
      )) as [string | null, string[]];
      // A local change raced this read: its own write and nudge bring the next refresh.
      if (version !== this.#version) return;
      this.#adopt(reply[0], reply[1]);
      this.#resolveSynced();
    } catch (err) {
      this.#report('emergency_sync', err);
    }
  }

  #adopt(level: string | null, disabled: string[]): void {
    if (level === null || !LEVELS.has(level)) {
      this.#logger.error({ value: String(level).slice(0, 32) }, 'invalid emergency level in Redis; ignored');
      return;
    }
    const from = this.#cache.level();
    this.#cache.apply(level as EmergencyLevel, disabled);
    if (from !== level) {
      this.#logger.warn({ from, to: level, source: 'redis' }, 'emergency level changed by the shared state');
    }
  }
}
