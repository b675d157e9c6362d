// What the model sends, made fit for the schema without weakening it: invented fields dropped, "25" read as 25.
import type { RegisteredTool } from '../agent/types.js';

/** How the arguments were changed before validation, for the audit line (bounded). */
export type ArgumentNotes = {
  args_dropped?: string[];
  args_dropped_count?: number;
  args_coerced?: string[];
};

/** At most this many dropped names are written, each cut to this length: the names come from the model. */
const MAX_NAMES = 10;
const MAX_NAME = 64;
/** A plain decimal, as a person or a model writes a number: no sign but '-', no leading zeros, no hex. */
const NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const MAX_NUMERIC = 32;

const bounded = (name: string) => (name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name);

function declaresNumber(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  const type = (schema as { type?: unknown }).type;
  const types = Array.isArray(type) ? type : [type];
  // A field that also accepts strings keeps the string: "25" is then a valid value as sent.
  return types.some((t) => t === 'number' || t === 'integer') && !types.includes('string');
}

/**
 * Builds, once per tool, the step that runs before its schema: it drops top-level fields the schema does
 * not declare (when it refuses unknown fields) and turns a numeric string into a number where a number
 * or integer is declared. It never invents a value and never relaxes a check: "25x" stays a string and
 * fails `type`, "1e309" (Infinity) stays a string and fails too, a missing required field still fails.
 * Tools with `strictArguments: true` get no such step: what the model sent is what is validated.
 *
 * @example
 * const prepare = argumentPreparer(tool);
 * const notes = prepare(args); // args mutated; notes for the audit line
 */
export function argumentPreparer(tool: RegisteredTool): (args: Record<string, unknown>) => ArgumentNotes {
  if (tool.strictArguments) return () => ({});
  const schema = tool.parameters;
  const properties = schema.properties ?? {};
  const declared = new Set(Object.keys(properties));
  const dropUnknown = schema.additionalProperties === false && schema.patternProperties === undefined;
  const numeric = Object.entries(properties)
    .filter(([, s]) => declaresNumber(s))
    .map(([name]) => name);

  return function prepareArguments(args) {
    const notes: ArgumentNotes = {};
    if (dropUnknown) {
      const dropped: string[] = [];
      for (const key of Object.keys(args)) {
        if (declared.has(key)) continue;
        Reflect.deleteProperty(args, key);
        dropped.push(key);
      }
      if (dropped.length > 0) {
        notes.args_dropped = dropped.slice(0, MAX_NAMES).map(bounded);
        notes.args_dropped_count = dropped.length;
      }
    }
    for (const name of numeric) {
      const value = args[name];
      if (typeof value !== 'string' || value.length > MAX_NUMERIC || !NUMERIC.test(value)) continue;
      const number = Number(value);
      if (!Number.isFinite(number)) continue;
      args[name] = number;
      (notes.args_coerced ??= []).push(name);
    }
    return notes;
  };
}

/**
 * The path of the first non-finite number in the arguments, or undefined. JSON has no Infinity, but
 * `1e309` parses to it and passes `type: number`. Walked with an explicit stack: a deeply nested body
 * must not overflow the call stack.
 */
export function nonFinitePath(args: Record<string, unknown>): string | undefined {
  const stack: [unknown, string][] = [[args, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return path || 'arguments';
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) stack.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return undefined;
}
