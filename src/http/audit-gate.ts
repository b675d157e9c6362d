// While audit lines cannot be written, no new work starts: 503 with Retry-After (docs/security.md "Backpressure").
import type { Unit } from './pipeline.js';
import { refusal } from './refusal.js';

/**
 * Why refuse instead of queueing: an action whose audit line cannot be written would be an action nobody
 * can account for later. `blocked()` is the log sink's state (stdout backlog without AUDIT_LOG_FILE, or a
 * failing file); it is read once per request, a boolean.
 */
export function auditGate(blocked: () => boolean): Unit {
  const refused = refusal(503, { headers: ['Retry-After', '5'] });
  return { name: 'audit-gate', run: () => (blocked() ? refused : undefined) };
}
