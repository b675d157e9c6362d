// SignalWire's official SWML schema (shared/signalwire/swml-schema.json), compiled once per test process.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const RELATIVE = join('shared', 'signalwire', 'swml-schema.json');

/**
 * The schema lives outside the repository: beside the checkout in CI (`../shared/`), a few levels up in a
 * worktree. Walk up from the repository root until `shared/signalwire/swml-schema.json` appears.
 */
function schemaPath(): string {
  let dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  for (;;) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`SignalWire's SWML schema not found: no ${RELATIVE} above the repository root`);
    }
    dir = parent;
  }
}

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validate === undefined) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(schemaPath(), 'utf8')) as object);
  }
  return validate;
}

/** Throws, listing where and why, unless `doc` is valid SWML by SignalWire's own schema. */
export function assertValidSwml(doc: unknown): void {
  const check = validator();
  if (check(doc)) return;
  // anyOf unions report every branch; the deepest paths are the ones that say what is wrong.
  const errors = [...(check.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const lines = [
    ...new Set(
      errors.map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`),
    ),
  ].slice(0, 8);
  throw new Error(`SWML is not valid by SignalWire's schema:\n${lines.join('\n')}`);
}
