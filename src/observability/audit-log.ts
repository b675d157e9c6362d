// Audit events (SPEC 8): one structured line per event, with call, request and client identity.
import type { Logger } from 'pino';
import { LOG_LIMITS, clip } from './limits.js';
import type { Metrics } from './metrics.js';
import { scrubString } from './redact.js';
import { refusalAggregator, type RefusalSummary } from './refusal-aggregator.js';

export type AuditEvent =
  | 'call_start'
  | 'call_limited'
  | 'function_call'
  | 'call_end'
  | 'security'
  | 'emergency_mode_changed'
  | 'config_warning'
  | 'audit_backpressure'
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
  /** Writes the pending refusal summaries (shutdown) and stops the window timer. */
  close(): void;
}

/** Refusals that an unauthenticated client can repeat at will: aggregated per client and kind. */
const AGGREGATED_REFUSALS = new Set(['auth_failure', 'rate_limited', 'signature_rejected', 'token_rejected']);
/** Detail fields that tell kinds of one refusal apart (each has a bounded set of values). */
const KIND_FIELDS = ['limiter', 'layer', 'reason', 'function'] as const;

/**
 * Every event carries the same identity fields, null when unknown (an auth failure has no call yet),
 * so each line has one schema. They are written after the details: a tool's `ctx.audit()` details
 * cannot overwrite `event`, `type`, `call_id`, `request_id` or `ip`. Top-level string details are
 * bounded and card-masked here, whoever wrote them; nested values are the caller's to sanitize.
 */
function line(
  details: Record<string, unknown> | undefined,
  fixed: Record<string, unknown>,
  context: AuditContext,
) {
  const out: Record<string, unknown> = { ...details, ...fixed };
  for (const key in out) {
    const v = out[key];
    if (typeof v === 'string' && v.length > 12) out[key] = scrubString(v);
  }
  out.call_id = context.call_id === undefined ? null : clip(context.call_id, LOG_LIMITS.callId);
  out.request_id = context.request_id ?? null;
  out.ip = context.ip === undefined ? null : clip(context.ip, LOG_LIMITS.ip);
  return out;
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
  aggregation: { windowMs?: number; maxEntries?: number } = {},
): AuditLog {
  const refusals = refusalAggregator({
    ...aggregation,
    emit(s: RefusalSummary) {
      const where = s.client === null ? ' from other clients' : '';
      logger.warn(
        {
          ...s.fields,
          event: 'security',
          summary: true,
          count: s.count,
          window_s: s.windowS,
          call_id: null,
          request_id: null,
          ip: s.client,
          ...(s.client === null ? { other_clients: true } : {}),
        },
        `${String(s.fields.type)} x ${s.count} in ${s.windowS} s${where}`,
      );
    },
  });

  return {
    event(event, context, details) {
      // Warnings about the setup, limits that refused a call and switches an operator threw stand out.
      const level = WARN_EVENTS.has(event) ? 'warn' : 'info';
      logger[level](line(details, { event }, context));
    },
    security(type, context, details) {
      // Undeclared names are counted under "undeclared" so a tool cannot grow label cardinality.
      metrics.securityEvents.inc({ event: declaredEvents.has(type) ? type : 'undeclared' });
      if (AGGREGATED_REFUSALS.has(type)) {
        const fields: Record<string, unknown> = { type };
        let kind = type;
        for (const f of KIND_FIELDS) {
          const v = details?.[f];
          if (typeof v === 'string') {
            fields[f] = v;
            kind += `:${v}`;
          }
        }
        const client = context.ip === undefined ? 'unknown' : clip(context.ip, LOG_LIMITS.ip);
        if (!refusals.admit(kind, client, fields)) return;
      }
      logger.warn(line(details, { event: 'security', type }, context));
    },
    close: () => refusals.close(),
  };
}
