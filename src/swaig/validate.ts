// Argument validation: each tool's JSON Schema compiled once with ajv; field-level reasons for the AI.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RegisteredTool } from '../agent/types.js';

// ajv-formats ships CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ??
  (addFormatsModule as unknown as AddFormats);

function reason(e: ErrorObject): string {
  const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'required')
    return `${(e.params as { missingProperty: string }).missingProperty} is required`;
  if (e.keyword === 'additionalProperties')
    return `${(e.params as { additionalProperty: string }).additionalProperty} is not an allowed field`;
  return `${field || 'arguments'} ${e.message ?? 'is invalid'}`;
}

/** Compiles every tool's schema; a bad schema throws at startup naming the tool. */
export function compileValidators(
  tools: Iterable<RegisteredTool>,
): Map<string, (args: unknown) => string | undefined> {
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: true });
  addFormats(ajv);
  const out = new Map<string, (args: unknown) => string | undefined>();
  for (const tool of tools) {
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(tool.parameters);
    } catch (err) {
      throw new TypeError(`tool ${tool.name}: invalid parameters schema (${(err as Error).message})`);
    }
    out.set(tool.name, (args) =>
      validate(args) ? undefined : [...new Set((validate.errors ?? []).map(reason))].join('; '),
    );
  }
  return out;
}
