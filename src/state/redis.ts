// Redis shared state (REDIS_URL): limiter counters, token revocations and emergency mode for every replica.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { EmergencyLevel } from '../config/index.js';
import { redisHealth } from './health.js';
import { errorSummary, type OutageReporter } from './outage-log.js';
import { EMERGENCY_KEYS, RedisEmergencyStore } from './redis-emergency.js';
import { redisLimiterStore } from './redis-limiter-store.js';
import { RedisRevocationStore } from './redis-revocations.js';
import { RedisSessionBindings } from './session-bindings.js';
import type { SharedState } from './types.js';

export interface RedisStateOptions {
  url: string;
  logger: Logger;
  report: OutageReporter;
  emergencyMode: EmergencyLevel;
  disabledFunctions: readonly string[];
  /** Backstop poll of the emergency state, in case a pub/sub message was missed (default 3000). */
  pollMs?: number;
}

/**
 * Why these options: a request must never wait on a sick Redis. Commands fail at once while the
 * connection is down (no offline queue), a command that hangs fails after `commandTimeout`, and the
 * client keeps reconnecting in the background with a capped backoff. Each path then decides (see
 * docs/security.md, "Shared state and Redis outages").
 */
const CONNECTION: RedisOptions = {
  connectTimeout: 2000,
  commandTimeout: 1000,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  autoResubscribe: false,
  retryStrategy: (times: number) => Math.min(times * 200, 2000),
};

/** Host and port only: the URL may hold a password. */
function endpoint(client: Redis): string {
  const { host, port } = client.options;
  return `${String(host)}:${String(port)}`;
}

/** Logs one line when a connection goes down and one when it is back (not one per retry). */
function watchConnection(client: Redis, role: string, logger: Logger): void {
  let down = false;
  client.on('error', (err: unknown) => {
    if (down) return;
    down = true;
    logger.error(
      { shared_state: 'unavailable', redis: endpoint(client), connection: role, error: errorSummary(err) },
      'Redis unavailable: limits fail open, secure tools are refused, emergency state keeps its last value',
    );
  });
  client.on('ready', () => {
    if (down) logger.info({ redis: endpoint(client), connection: role }, 'Redis connection restored');
    down = false;
  });
}

/**
 * Connects in the background and returns at once, so `createApp()` stays synchronous. Until the first
 * answer, the emergency state is the environment's; then Redis' value is adopted (or seeded from it).
 *
 * @example
 * const state = redisState({ url: 'redis://127.0.0.1:6379', logger, report, emergencyMode: 'off', disabledFunctions: [] });
 */
export function redisState(
  options: RedisStateOptions,
): SharedState & { emergency: RedisEmergencyStore; revocations: RedisRevocationStore } {
  const { logger } = options;
  const client = new Redis(options.url, { ...CONNECTION, connectionName: 'swml-guard' });
  const subscriber = client.duplicate({ connectionName: 'swml-guard-sub' });
  watchConnection(client, 'commands', logger);
  watchConnection(subscriber, 'subscriber', logger);

  const emergency = new RedisEmergencyStore({
    client,
    logger,
    report: options.report,
    level: options.emergencyMode,
    disabled: options.disabledFunctions,
  });
  const revocations = new RedisRevocationStore(client, logger);
  const refresh = () => void emergency.refresh();
  client.on('ready', refresh);
  client.on('ready', () => void revocations.retry());
  subscriber.on('ready', () => {
    subscriber.subscribe(EMERGENCY_KEYS.channel).then(refresh, (err: unknown) => {
      options.report('emergency_sync', err);
    });
  });
  subscriber.on('message', (channel: string) => {
    if (channel === EMERGENCY_KEYS.channel) refresh();
  });
  const poll = setInterval(() => {
    if (client.status !== 'ready') return;
    refresh();
    void revocations.retry();
  }, options.pollMs ?? 3000);
  poll.unref();

  async function quit(c: Redis): Promise<void> {
    if (c.status !== 'ready') {
      c.disconnect();
      return;
    }
    try {
      await c.quit();
    } catch {
      c.disconnect();
    }
  }

  return {
    kind: 'redis',
    revocations,
    sessions: new RedisSessionBindings(client),
    emergency,
    limiterStore: (prefix: string) => redisLimiterStore(client, prefix),
    watchHealth: redisHealth(client),
    ready: () => emergency.synced(),
    async close() {
      clearInterval(poll);
      await Promise.all([quit(subscriber), quit(client)]);
    },
  };
}
