// Where revoked calls are kept, and whether that is good enough: one rule for loadConfig and doctor.

export interface StateFinding {
  readonly level: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
}

/**
 * Why production refuses memory: `post_prompt` revokes the tokens of an ended call. Kept in memory only,
 * that revocation is forgotten by a restart, and a captured token of the ended call moves money again
 * until it expires (SWML_TOKEN_TTL, hours). With REDIS_URL the revocations live in Redis (shared by the
 * replicas; give Redis persistence, as the compose `scale` profile does); without it, in a file under
 * SWML_STATE_DIR. Production needs one of them; development warns. A set SWML_STATE_DIR that cannot be
 * written stops startup with the same code (checked when the store opens, since loadConfig touches no files).
 *
 * @example
 * revocationStoreRule({ production: true, redisUrl: undefined, stateDir: undefined })?.code; // 'ERR_SWML_STATE_DIR'
 */
export function revocationStoreRule(s: {
  production: boolean;
  redisUrl: string | undefined;
  stateDir: string | undefined;
}): StateFinding | undefined {
  if (s.redisUrl !== undefined || s.stateDir !== undefined) return undefined;
  if (s.production) {
    return {
      level: 'error',
      code: 'ERR_SWML_STATE_DIR',
      message:
        'NODE_ENV=production without REDIS_URL requires SWML_STATE_DIR: revoked calls must survive a restart, or a token of an ended call works again. Fix: set SWML_STATE_DIR to a writable folder that survives restarts (the Docker image uses /var/lib/swml-guard, a volume in compose), or set REDIS_URL.',
    };
  }
  return {
    level: 'warning',
    code: 'WRN_SWML_REVOCATIONS_IN_MEMORY',
    message:
      'neither REDIS_URL nor SWML_STATE_DIR is set: ended calls are remembered in memory only, so after a restart their tokens work again until they expire.',
  };
}
