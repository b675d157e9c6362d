// Toll-fraud limits on SWML fetches: per caller number per hour, and in total per minute; answered in SWML.
import type { Unit } from '../http/pipeline.js';
import type { Countable } from '../http/refusal.js';
import { maskPhone } from '../observability/redact.js';
import type { WindowCounter } from '../state/counter.js';
import type { OutageReporter } from '../state/outage-log.js';
import { refusalSwml } from '../swml/render.js';

const LIMITED = refusalSwml("We're sorry, we can't take your call right now. Please try again later.");

export interface CallLimitOptions {
  /** SWML_CALL_RATE_LIMIT per minute, all callers together. */
  globalLimit: number;
  global: WindowCounter;
  /** SWML_CALLER_CALL_LIMIT per hour, per caller number. */
  callerLimit: number;
  perCaller: WindowCounter;
  /** swml_calls_started_total{outcome="limited"} and swml_rate_limited_total{limiter}. */
  counts: { started: Countable; global: Countable; call: Countable };
  reportOutage: OutageReporter;
}

/**
 * Over a limit, the SWML returned plays a short refusal and hangs up instead of starting an AI session
 * (SPEC 8): SignalWire gets a valid document, the caller a sentence, the attacker no billable minutes.
 * Audited as `call_limited` (a limit that worked). Store errors fail open: a Redis outage must not stop
 * every call (reported, throttled).
 */
export function callLimits(options: CallLimitOptions): Unit {
  const { counts, reportOutage } = options;
  async function over(counter: WindowCounter, key: string, limit: number): Promise<boolean> {
    try {
      return await counter.hit(key, limit);
    } catch (err) {
      reportOutage('call_limit', err);
      return false;
    }
  }
  const refused = (limiter: 'global' | 'call', from: string | undefined) => ({
    status: 200,
    body: LIMITED,
    counts: [counts.started, counts[limiter]],
    event: 'call_limited',
    details: { limiter, caller: maskPhone(from) },
  });

  return {
    name: 'call-limit',
    async run(_req, _res, state) {
      const from = state.swml?.from;
      if (await over(options.global, 'all', options.globalLimit)) return refused('global', from);
      if (from !== undefined && (await over(options.perCaller, from, options.callerLimit)))
        return refused('call', from);
      return undefined;
    },
  };
}
