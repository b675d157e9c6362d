// The one refusal hook: every unit's refusal is counted, audited and answered here, the same way.
import type { Request, Response } from 'express';
import type { AuditLog } from '../observability/audit-log.js';
import type { FunctionOutcome } from '../observability/metrics.js';
import type { RefuseHook } from './pipeline.js';
import type { RequestState } from './request-state.js';
import type { Responder } from './respond.js';
import { ERROR_BODIES, type ErrorStatus } from './errors.js';

/** Something a refusal counts: a prom-client child, labels bound at startup. */
export interface Countable {
  inc(): void;
}

/**
 * What a unit returns instead of answering. Static refusals are built once by the unit's factory; only
 * refusals whose audit details name the request (a route, a function, a session) are built per refusal.
 */
export interface Refusal {
  /** HTTP status; 200 for refusals answered inside SWAIG (a sentence the AI reads to the caller). */
  readonly status: number;
  /** The JSON text answered. */
  readonly body: string;
  /** Extra headers, flat [name, value, ...] (Allow, WWW-Authenticate, Retry-After, RateLimit...). */
  readonly headers?: readonly string[] | undefined;
  /** The counters it increments (swml_auth_failures_total, swml_rate_limited_total...). */
  readonly counts?: readonly Countable[] | undefined;
  /** The `security` audit event it writes (aggregated per client: src/observability/audit-log.ts). */
  readonly audit?: string | undefined;
  /** A plain audit event instead (`call_limited`: a limit that worked, not an attack). */
  readonly event?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** Reported first, without an answer: the failed Basic Auth behind the failed-auth limit's 429. */
  readonly also?: Refusal | undefined;
  /** A refused SWAIG call: its outcome in swml_function_calls_total (and its function_call line when 200). */
  readonly outcome?: FunctionOutcome | undefined;
}

/** The standard `{"error": ...}` refusal of `status`, with what it counts and audits. */
export function refusal(status: ErrorStatus, fields: Omit<Refusal, 'status' | 'body'> = {}): Refusal {
  return { status, body: ERROR_BODIES[status], ...fields };
}

/** Function-call accounting, provided by the SWAIG route (src/swaig/function-calls.ts). */
export interface FunctionCallRecorder {
  /** Counts `outcome` for the call's function, and writes its function_call audit line when `line`. */
  record(state: RequestState, outcome: FunctionOutcome, line: boolean, extra?: Record<string, unknown>): void;
}

/**
 * Builds the shared hook. The auth-failure, rate-limit and function-call metrics of a refusal are counted
 * here and nowhere else, so a new unit cannot forget one or count one twice.
 */
export function refusalHook(audit: AuditLog, respond: Responder, calls: FunctionCallRecorder): RefuseHook {
  function report(state: RequestState, r: Refusal): void {
    if (r.also !== undefined) report(state, r.also);
    if (r.counts !== undefined) for (const c of r.counts) c.inc();
    if (r.audit !== undefined) audit.security(r.audit, state.audit, r.details);
    else if (r.event !== undefined) audit.event(r.event, state.audit, r.details);
  }

  return function refuse(req: Request, res: Response, state: RequestState, r: Refusal): void {
    report(state, r);
    if (r.outcome !== undefined && state.call !== undefined) calls.record(state, r.outcome, r.status === 200);
    respond.json(req, res, state, r.status, r.body, r.headers);
  };
}
