// rate-limit-redis store that survives Redis being down at startup or restarted (scripts flushed).
import type { ClientRateLimitInfo } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';

/** Redis answers NOSCRIPT to an EVALSHA with this sha: the store then loads its script and retries. */
const NOT_LOADED = '0'.repeat(40);

/**
 * rate-limit-redis caches the promise of its SCRIPT LOAD. If Redis is unreachable at that moment the
 * promise rejects, every later increment rejects with it forever, and `init()` rejects unhandled.
 * Here a failed load resolves to a sha Redis does not know: the next EVALSHA gets NOSCRIPT, which
 * makes the store load the script again once Redis is back. No restart is needed after an outage.
 */
export class ResilientRedisStore extends RedisStore {
  override async loadIncrementScript(key?: string): Promise<string> {
    try {
      return await super.loadIncrementScript(key);
    } catch {
      return NOT_LOADED;
    }
  }

  /**
   * A missing key comes back from the get script as a nil hit count, which rate-limit-redis parses
   * as NaN. Callers compare the count with a limit, and `NaN < limit` is false: a client with no
   * failures would look blocked. No key means no hits.
   */
  override async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const info = await super.get(key);
    if (info === undefined || !Number.isFinite(info.totalHits) || info.totalHits <= 0) return undefined;
    return info;
  }

  override async loadGetScript(key?: string): Promise<string> {
    try {
      return await super.loadGetScript(key);
    } catch {
      return NOT_LOADED;
    }
  }
}

/** A limiter store on `client` under `swml:rl:<prefix>`. */
export function redisLimiterStore(client: Redis, prefix: string): ResilientRedisStore {
  return new ResilientRedisStore({
    sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>,
    prefix: `swml:rl:${prefix}`,
  });
}
