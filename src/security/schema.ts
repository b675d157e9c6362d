// The argument schema unit: each tool's JSON Schema (ajv, compiled at startup); refused arguments never reach it.
import type { Unit } from '../http/pipeline.js';
import type { ArgumentValidator } from '../swaig/validate.js';

const invalid = (reasons: string) => JSON.stringify({ response: `Invalid arguments: ${reasons}` });

/**
 * Invented fields are dropped and numeric strings read as numbers first (unless the tool has
 * strictArguments), then the schema decides. A refusal is answered in SWAIG (200) with bounded
 * field-level reasons, so the AI can ask the caller again; what was changed is noted on the audit line.
 */
export function argumentSchema(validators: ReadonlyMap<string, ArgumentValidator>): Unit {
  return {
    name: 'schema',
    run(_req, _res, state) {
      const call = state.call;
      if (call === undefined) return undefined;
      const verdict = validators.get(call.tool.name)?.(call.args) ?? { notes: {} };
      call.notes = verdict.notes;
      if (verdict.invalid === undefined) return undefined;
      return {
        status: 200,
        body: invalid(verdict.invalid),
        audit: 'invalid_arguments',
        details: { function: call.tool.name, reasons: verdict.invalid },
        outcome: 'invalid_args',
      };
    },
  };
}
