// One clear, throttled error line per decision path when the shared state (Redis) cannot answer.
import type { Logger } from 'pino';

/** Every place that consults the shared state, and what it does when the state cannot answer. */
export const OUTAGE_DECISIONS = {
  ip_limit: 'per-IP rate limit not applied (fail open)',
  auth_limit: 'failed-auth limit not applied (fail open)',
  auth_limit_record: 'failed Basic Auth not counted (fail open)',
  caller_limit: 'per-caller tool limit not applied (fail open)',
  call_limit: 'call limits not applied; call allowed (fail open)',
  revocation_check: 'secure tool refused: revocation cannot be checked (fail closed)',
  end_call_check: 'call ended anyway: an ended call cannot be re-opened by ending it again (fail open)',
  revocation_write:
    'revocation queued: tokens refused on this replica only until Redis is back, then written there',
  session_binding: 'secure tool refused: the session of a call started by GET cannot be bound (fail closed)',
  emergency_write: 'emergency change applied on this replica only; written to Redis when it is back',
  emergency_sync: 'emergency state kept at its last known value',
} as const;

export type OutagePath = keyof typeof OUTAGE_DECISIONS;

/** Reports a failed shared-state operation on one path. */
export type OutageReporter = (path: OutagePath, err: unknown) => void;

const DEFAULT_INTERVAL_MS = 30_000;

/** The parts of an error worth a log line: never the stack, never a connection URL. */
export function errorSummary(err: unknown): { message: string; code?: string } {
  if (!(err instanceof Error)) return { message: String(err).slice(0, 200) };
  const code = (err as { code?: unknown }).code;
  return {
    message: err.message.slice(0, 200),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/**
 * Why throttled: during an outage every request fails the same way; one line per path on the first
 * failure, then at most one per `intervalMs` with the number of failures it stands for, keeps the
 * signal readable and the log volume bounded. The line names the path and the decision taken.
 */
export function outageReporter(logger: Logger, intervalMs = DEFAULT_INTERVAL_MS): OutageReporter {
  const last = new Map<OutagePath, { at: number; suppressed: number }>();
  return function reportOutage(path, err) {
    const now = Date.now();
    const seen = last.get(path);
    if (seen !== undefined && now - seen.at < intervalMs) {
      seen.suppressed += 1;
      return;
    }
    last.set(path, { at: now, suppressed: 0 });
    logger.error(
      {
        shared_state: 'unavailable',
        path,
        decision: OUTAGE_DECISIONS[path],
        error: errorSummary(err),
        ...(seen && seen.suppressed > 0 ? { suppressed: seen.suppressed } : {}),
      },
      `shared state unavailable: ${OUTAGE_DECISIONS[path]}`,
    );
  };
}
