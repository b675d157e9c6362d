// Per caller per tool (SWML_CALLER_FUNCTION_LIMIT per minute, a tool's `rateLimit`): answered in SWAIG.
import type { RegisteredTool } from '../agent/types.js';
import type { Unit } from '../http/pipeline.js';
import type { Countable } from '../http/refusal.js';
import { maskPhone } from '../observability/redact.js';
import type { WindowCounter } from '../state/counter.js';
import type { OutageReporter } from '../state/outage-log.js';

const LIMITED = JSON.stringify({ response: "You've made too many requests. Please wait a moment." });

/**
 * The caller is the caller's number, else the call id, else the client address: a tool that moves
 * money cannot be hammered from one call. Store errors fail open: a Redis outage must not silence every
 * tool (reported, throttled).
 */
export function callerLimit(options: {
  tools: ReadonlyMap<string, RegisteredTool>;
  defaultLimit: number;
  counter: WindowCounter;
  /** swml_rate_limited_total{limiter="caller"}. */
  limited: Countable;
  reportOutage: OutageReporter;
}): Unit {
  const { counter, limited, reportOutage } = options;
  const limits = new Map(
    [...options.tools.values()].map((t) => [t.name, t.rateLimit ?? options.defaultLimit]),
  );

  return {
    name: 'caller-limit',
    async run(_req, _res, state) {
      const call = state.call;
      if (call === undefined) return undefined;
      const { tool, envelope } = call;
      const caller = envelope.caller_id_num || envelope.call_id || state.ip || 'unknown';
      let over: boolean;
      try {
        over = await counter.hit(`${tool.name}:${caller}`, limits.get(tool.name) ?? options.defaultLimit);
      } catch (err) {
        reportOutage('caller_limit', err);
        return undefined;
      }
      if (!over) return undefined;
      return {
        status: 200,
        body: LIMITED,
        counts: [limited],
        audit: 'rate_limited',
        details: { limiter: 'caller', function: tool.name, caller: maskPhone(envelope.caller_id_num) },
        outcome: 'rate_limited',
      };
    },
  };
}
