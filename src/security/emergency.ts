// Emergency mode (AGENT_EMERGENCY_MODE, per-tool disable): tools answered in SWAIG, calls in SWML.
import type { Unit } from '../http/pipeline.js';
import type { Countable } from '../http/refusal.js';
import { maskPhone } from '../observability/redact.js';
import type { EmergencyStore } from '../state/types.js';
import { refusalSwml } from '../swml/render.js';

const UNAVAILABLE = JSON.stringify({ response: 'This service is temporarily unavailable.' });

/**
 * `all` blocks every tool, `secure` every secure tool, and a disabled tool is blocked at any level. The
 * level is read from the shared state on every call (a synchronous read: replicas push changes), so a
 * switch thrown on one replica holds on all of them. The AI hears a sentence it can read to the caller.
 */
export function toolEmergency(emergency: EmergencyStore): Unit {
  return {
    name: 'emergency',
    run(_req, _res, state) {
      const tool = state.call?.tool;
      if (tool === undefined) return undefined;
      const level = emergency.level();
      const disabled = emergency.isDisabled(tool.name);
      if (!(level === 'all' || (level === 'secure' && tool.secure) || disabled)) return undefined;
      return {
        status: 200,
        body: UNAVAILABLE,
        audit: 'emergency_block',
        details: { function: tool.name, level, disabled },
        outcome: 'emergency_blocked',
      };
    },
  };
}

const SWML_UNAVAILABLE = refusalSwml('This service is temporarily unavailable. Please try again later.');

/** With `all`, a SWML fetch gets a document that says so and hangs up: no AI session, no tool can run. */
export function swmlEmergency(emergency: EmergencyStore, started: Countable): Unit {
  return {
    name: 'swml-emergency',
    run(_req, _res, state) {
      if (emergency.level() !== 'all') return undefined;
      return {
        status: 200,
        body: SWML_UNAVAILABLE,
        counts: [started],
        audit: 'emergency_block',
        details: { route: 'swml', level: 'all', caller: maskPhone(state.swml?.from) },
      };
    },
  };
}
