// The SWAIG request envelope: shape checks (400 on failure) and argument extraction (SPEC 6.1).
import { parseJsonObject } from '../http/json-body.js';
import type { SwaigRequest } from '../agent/types.js';

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const STRING_FIELDS = [
  'call_id',
  'caller_id_num',
  'ai_session_id',
  'app_name',
  'project_id',
  'space_id',
  'meta_data_token',
] as const;
const OBJECT_FIELDS = ['meta_data', 'global_data'] as const;
const MAX_FIELD = 256;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Returns the envelope, or undefined when it is malformed (wrong types, bad function name). What SignalWire
 * and its SDKs are seen to send is tolerated and normalised in place, so handlers see one shape:
 * - `caller_id_name` (a display name the caller's network chooses) over 256 characters is cut to 256;
 * - `global_data: []` / `meta_data: []` (an empty map serialised as a list) become `{}`;
 * - `argument.parsed: [null]` counts as no parsed arguments (`argument.raw` is then used).
 * Identifiers stay strict: a `call_id` over 256 characters or of the wrong type is still a 400.
 */
export function parseEnvelope(body: Record<string, unknown>): SwaigRequest | undefined {
  const fn = body.function;
  if (typeof fn !== 'string' || !FUNCTION_NAME.test(fn)) return undefined;
  for (const field of STRING_FIELDS) {
    const v = body[field];
    if (v !== undefined && (typeof v !== 'string' || v.length > MAX_FIELD)) return undefined;
  }
  const name = body.caller_id_name;
  if (name !== undefined && name !== null && typeof name !== 'string') return undefined;
  if (typeof name === 'string' && name.length > MAX_FIELD) body.caller_id_name = name.slice(0, MAX_FIELD);
  for (const field of OBJECT_FIELDS) {
    const v = body[field];
    if (Array.isArray(v) && v.length === 0) body[field] = {};
    else if (v !== undefined && v !== null && !isObject(v)) return undefined;
  }
  const arg = body.argument;
  if (arg !== undefined && arg !== null) {
    if (!isObject(arg)) return undefined;
    if (arg.parsed !== undefined && !Array.isArray(arg.parsed)) return undefined;
    if (arg.raw !== undefined && typeof arg.raw !== 'string') return undefined;
    const first = (arg.parsed as unknown[] | undefined)?.[0];
    if (first !== undefined && first !== null && !isObject(first)) return undefined;
  }
  return body as SwaigRequest;
}

/** Arguments: `argument.parsed[0]`, else `JSON.parse(argument.raw)`, else `{}`. Always a fresh object. */
export function extractArguments(envelope: SwaigRequest): Record<string, unknown> {
  const arg = envelope.argument;
  const first = arg?.parsed?.[0];
  if (isObject(first)) return { ...first };
  if (typeof arg?.raw === 'string' && arg.raw.trim() !== '') return parseJsonObject(arg.raw) ?? {};
  return {};
}
