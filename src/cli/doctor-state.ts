// Doctor's revocations item: where ended calls are remembered, and whether that survives a restart.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { revocationStoreRule } from '../config/index.js';
import { fail, pass, setting, warn, type Check, type DoctorInput } from './doctor-model.js';

/** The folder itself if it exists, else its nearest existing parent (where it would be created). */
function nearestExisting(path: string): string {
  let current = resolve(path);
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** Judged by the config module's own rule, for production (doctor is the production checklist). */
export function revocationsCheck(input: DoctorInput): Check {
  const redisUrl = setting(input, 'REDIS_URL');
  const stateDir = setting(input, 'SWML_STATE_DIR');
  const rule = revocationStoreRule({ production: true, redisUrl, stateDir });
  if (rule) {
    const [message = rule.message, fix = 'set SWML_STATE_DIR or REDIS_URL'] = rule.message.split(' Fix: ');
    return fail('revocations', message, fix.replace(/\.$/, ''));
  }
  if (redisUrl !== undefined) {
    return pass(
      'revocations',
      'ended calls are kept in Redis (REDIS_URL) for every replica; they survive a Redis restart only with its persistence on (appendonly yes, as in the compose scale profile)',
    );
  }
  const dir = stateDir ?? '';
  try {
    accessSync(nearestExisting(dir), constants.W_OK);
    return pass('revocations', `ended calls are kept in ${dir} (fsynced; they survive restarts)`);
  } catch {
    return warn(
      'revocations',
      `SWML_STATE_DIR ${dir} is not writable from here`,
      'fine if that folder exists only where the agent runs (the image uses /var/lib/swml-guard); else make it writable by the agent user',
    );
  }
}
