// Picks the shared state: Redis when REDIS_URL is set (replicas agree), else process memory.
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { memoryState } from './memory.js';
import type { OutageReporter } from './outage-log.js';
import { redisState } from './redis.js';
import type { SharedState } from './types.js';

export function createState(config: Config, logger: Logger, report: OutageReporter): SharedState {
  const initial = { emergencyMode: config.emergencyMode, disabledFunctions: config.disabledFunctions };
  if (config.redisUrl) return redisState({ url: config.redisUrl, logger, report, ...initial });
  return memoryState(initial);
}
