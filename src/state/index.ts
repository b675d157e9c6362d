// Picks the shared state: Redis when REDIS_URL is set (replicas agree), else process memory (+ a revocation file).
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { memoryState } from './memory.js';
import type { OutageReporter } from './outage-log.js';
import { redisState } from './redis.js';
import { FileRevocationStore } from './revocation-file.js';
import type { SharedState } from './types.js';

/**
 * Revocations: Redis when REDIS_URL is set; else a file under SWML_STATE_DIR (durable across restarts);
 * else memory (development only: loadConfig refuses it in production). A state folder that cannot be
 * written throws a ConfigError (exit 78).
 */
export function createState(config: Config, logger: Logger, report: OutageReporter): SharedState {
  const initial = { emergencyMode: config.emergencyMode, disabledFunctions: config.disabledFunctions };
  if (config.redisUrl) return redisState({ url: config.redisUrl, logger, report, ...initial });
  if (config.stateDir === undefined) return memoryState(initial);
  const revocations = FileRevocationStore.open(config.stateDir);
  logger.info(
    { state_dir: config.stateDir, revocations_loaded: revocations.loaded },
    'revoked calls are kept in SWML_STATE_DIR (they survive restarts)',
  );
  return memoryState({ ...initial, revocations });
}
