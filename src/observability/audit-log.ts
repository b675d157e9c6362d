// Audit events (SPEC 8): one structured line per event, with call, request and client identity.
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export type AuditEvent =
  | 'call_start'
  | 'call_limited'
  | 'function_call'
  | 'call_end'
  | 'security'
  | 'emergency_mode_changed'
  | 'config_warning'
  | (string & {});

/** Who and where: taken from the request by the caller; every field is optional. */
export interface AuditContext {
  call_id?: string | undefined;
  request_id?: string | undefined;
  ip?: string | undefined;
}

export interface AuditLog {
  event(event: AuditEvent, context: AuditContext, details?: Record<string, unknown>): void;
  /** A `security` event: audited at warn level and counted in `swml_security_events_total`. */
  security(type: string, context: AuditContext, details?: Record<string, unknown>): void;
}

/**
 * Every event carries the same identity fields, null when unknown (an auth failure has no call yet),
 * so each line has one schema. They are written after the details: a tool's `ctx.audit()` details
 * cannot overwrite `event`, `type`, `call_id`, `request_id` or `ip`.
 */
function identity(context: AuditContext) {
  return {
    call_id: context.call_id ?? null,
    request_id: context.request_id ?? null,
    ip: context.ip ?? null,
  };
}

const WARN_EVENTS = new Set(['config_warning', 'call_limited', 'emergency_mode_changed']);

/**
 * @example
 * audit.event('function_call', { call_id, request_id, ip }, { function: 'get_balance', outcome: 'ok' });
 */
export function createAuditLog(
  logger: Logger,
  metrics: Metrics,
  declaredEvents: ReadonlySet<string>,
): AuditLog {
  return {
    event(event, context, details) {
      // Warnings about the setup, limits that refused a call and switches an operator threw stand out.
      const level = WARN_EVENTS.has(event) ? 'warn' : 'info';
      logger[level]({ ...details, event, ...identity(context) });
    },
    security(type, context, details) {
      // Undeclared names are counted under "undeclared" so a tool cannot grow label cardinality.
      metrics.securityEvents.inc({ event: declaredEvents.has(type) ? type : 'undeclared' });
      logger.warn({ ...details, event: 'security', type, ...identity(context) });
    },
  };
}
