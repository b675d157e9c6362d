// The SWAIG envelope unit: a well-formed envelope (400) naming a declared function (404), before any token.
import type { RegisteredTool } from '../agent/types.js';
import { errorBody } from '../http/errors.js';
import type { Unit } from '../http/pipeline.js';
import { refusal } from '../http/refusal.js';
import { extractArguments, parseEnvelope } from '../swaig/envelope.js';

/**
 * Shape checks and normalisation live in src/swaig/envelope.ts (SignalWire's wire format); this unit
 * turns their verdict into the request's function call: the tool, the envelope and a fresh copy of the
 * arguments, and the call id every later audit line of the request carries.
 */
export function swaigEnvelope(tools: ReadonlyMap<string, RegisteredTool>): Unit {
  const invalid = { ...refusal(400), body: errorBody('invalid swaig envelope') };
  const unknown = { ...refusal(404), body: errorBody('unknown function') };
  return {
    name: 'envelope',
    run(_req, _res, state) {
      const envelope = parseEnvelope(state.body ?? {});
      if (envelope === undefined) return invalid;
      const tool = tools.get(envelope.function);
      if (tool === undefined) return unknown;
      state.setCallId(envelope.call_id);
      state.call = {
        tool,
        envelope,
        args: extractArguments(envelope),
        started: performance.now(),
        notes: undefined,
      };
      return undefined;
    },
  };
}
