// Every SWAIG call's outcome: swml_function_calls_total, and its function_call audit line (bounded, redacted).
import type { FunctionCallRecorder } from '../http/refusal.js';
import type { RequestState } from '../http/request-state.js';
import type { AuditLog } from '../observability/audit-log.js';
import { FUNCTION_OUTCOMES, type FunctionOutcome, type Metrics } from '../observability/metrics.js';
import { maskPhone, sanitize, sensitiveSet } from '../observability/redact.js';
import type { RegisteredTool } from '../agent/types.js';
import { auditArgs } from './audit-args.js';

type Counters = Record<FunctionOutcome, { inc(): void }>;

/**
 * Built once: each tool's redaction classifier and its outcome counters (labels bound here). The line
 * carries the arguments as sent, bounded (audit-args.ts) and redacted by meaning (redact.ts), the
 * outcome, the time since the envelope was read, the masked caller, the session of a GET-started call,
 * and what the argument step changed.
 */
export function functionCalls(
  tools: ReadonlyMap<string, RegisteredTool>,
  metrics: Metrics,
  audit: AuditLog,
): FunctionCallRecorder {
  const perTool = new Map(
    [...tools.values()].map((t) => {
      const counters = Object.fromEntries(
        FUNCTION_OUTCOMES.map((o) => [o, metrics.functionCalls.labels(t.name, o)]),
      ) as Counters;
      return [t.name, { counters, classifier: sensitiveSet(t.sensitive, t.mask ?? []) }];
    }),
  );

  return {
    record(state: RequestState, outcome: FunctionOutcome, line: boolean, extra?: Record<string, unknown>) {
      const call = state.call;
      if (call === undefined) return;
      const name = call.tool.name;
      const tool = perTool.get(name);
      tool?.counters[outcome].inc();
      if (!line) return;
      audit.event('function_call', state.audit, {
        function: name,
        args: sanitize(auditArgs(call.args), tool?.classifier),
        outcome,
        duration_ms: Math.round((performance.now() - call.started) * 1000) / 1000,
        caller: maskPhone(call.envelope.caller_id_num),
        session_id: state.session,
        ...call.notes,
        ...extra,
      });
    },
  };
}
