// Argument validation: each tool's JSON Schema compiled once with ajv; bounded field-level reasons for the AI.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RegisteredTool } from '../agent/types.js';
import { argumentPreparer, nonFinitePath, type ArgumentNotes } from './arguments.js';

// ajv-formats ships CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ??
  (addFormatsModule as unknown as AddFormats);

/**
 * Why bounded: the reasons are read to the AI and written to the audit log, and they quote field names
 * the caller chose. A 1 MB body of invented fields once produced a 2.5 MB reply. At most MAX_REASONS
 * distinct reasons, each at most MAX_REASON characters (field names cut first), then "and N more".
 */
const MAX_REASONS = 5;
const MAX_REASON = 160;
const MAX_FIELD = 64;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

function reason(e: ErrorObject): string {
  const field = cut(e.instancePath.replace(/^\//, '').replace(/\//g, '.'), MAX_FIELD);
  if (e.keyword === 'required')
    return `${cut((e.params as { missingProperty: string }).missingProperty, MAX_FIELD)} is required`;
  if (e.keyword === 'additionalProperties')
    return `${cut((e.params as { additionalProperty: string }).additionalProperty, MAX_FIELD)} is not an allowed field`;
  return `${field || 'arguments'} ${e.message ?? 'is invalid'}`;
}

/** Joins distinct reasons, bounded in count and length. */
function boundedReasons(reasons: Iterable<string>): string {
  const distinct = [...new Set(reasons)];
  const shown = distinct.slice(0, MAX_REASONS).map((r) => cut(r, MAX_REASON));
  const more = distinct.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

/** The outcome for one call: `invalid` holds the reasons when the arguments are refused. */
export interface ArgumentVerdict {
  invalid?: string;
  notes: ArgumentNotes;
}

export type ArgumentValidator = (args: Record<string, unknown>) => ArgumentVerdict;

/** Compiles every tool's schema; a bad schema throws at startup naming the tool. */
export function compileValidators(tools: Iterable<RegisteredTool>): Map<string, ArgumentValidator> {
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: true });
  addFormats(ajv);
  const out = new Map<string, ArgumentValidator>();
  for (const tool of tools) {
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(tool.parameters);
    } catch (err) {
      throw new TypeError(`tool ${tool.name}: invalid parameters schema (${(err as Error).message})`);
    }
    const prepare = argumentPreparer(tool);
    out.set(tool.name, function validateArguments(args) {
      const notes = prepare(args);
      const infinite = nonFinitePath(args);
      if (infinite !== undefined)
        return { invalid: `${cut(infinite, MAX_FIELD)} must be a finite number`, notes };
      if (validate(args)) return { notes };
      return { invalid: boundedReasons((validate.errors ?? []).map(reason)), notes };
    });
  }
  return out;
}
