// SignalWire's official SWML JSON Schema, compiled once per test process: assertValidSwml(doc) fails with readable reasons.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

// Both packages ship CommonJS; under ESM their default export may arrive wrapped.
type Ajv2020Ctor = new (options: Record<string, unknown>) => {
  compile(schema: unknown): ValidateFunction;
};
const Ajv2020 =
  (Ajv2020Module as unknown as { default?: Ajv2020Ctor }).default ??
  (Ajv2020Module as unknown as Ajv2020Ctor);
const addFormats =
  (addFormatsModule as unknown as { default?: (ajv: unknown) => unknown }).default ??
  (addFormatsModule as unknown as (ajv: unknown) => unknown);

const RELATIVE = join('shared', 'signalwire', 'swml-schema.json');

/**
 * Where the schema is. CI lays the repository out with `shared/` beside it (`<repo>/../shared/...`); a
 * git worktree sits one level deeper (`/work/wt/<branch>`, with `/work/shared`). So: `SWML_SCHEMA_PATH`
 * when set, else the first `<ancestor>/shared/signalwire/swml-schema.json` walking up from the repo root.
 * Never skipped: a missing schema fails every test that needs it, with the fix in the message.
 */
export function locateSchema(): string {
  const fromEnv = process.env.SWML_SCHEMA_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`SWML_SCHEMA_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let dir = dirname(repoRoot);
  for (;;) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    `SignalWire's SWML schema not found: looked for ${RELATIVE} in every folder above ${repoRoot}. ` +
      'Put the shared folder beside the repository (../shared) or set SWML_SCHEMA_PATH.',
  );
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  compiled = ajv.compile(JSON.parse(readFileSync(locateSchema(), 'utf8')) as unknown);
  return compiled;
}

/**
 * The schema's oneOf/anyOf branches report every branch that failed; the deepest paths are the ones that
 * say what is actually wrong, so they come first.
 */
function explain(errors: ErrorObject[]): string {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const lines = [...errors]
    .sort((a, b) => depth(b) - depth(a))
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`);
  return [...new Set(lines)].slice(0, 12).join('\n  ');
}

/**
 * Throws unless `doc` (an object, or SWML JSON text) is valid against SignalWire's official SWML schema.
 *
 * @example
 * assertValidSwml(JSON.parse(res.text));
 */
export function assertValidSwml(doc: unknown): void {
  const value: unknown = typeof doc === 'string' ? JSON.parse(doc) : doc;
  const validate = validator();
  if (!validate(value)) {
    throw new Error(`SWML document fails SignalWire's schema:\n  ${explain(validate.errors ?? [])}`);
  }
}
