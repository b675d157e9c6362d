// What SignalWire is sent of a tool's parameters: the subset of JSON Schema its SWML schema accepts.
import type { JsonSchema, ObjectSchema } from './types.js';

/**
 * Why a projection: SignalWire's SWML schema allows, in a function's `parameters`, only `type: object`,
 * `properties` and `required`, and in each property only a few keywords per type (no `minLength`,
 * `minimum`, `exclusiveMinimum`, `additionalProperties`...). A document with anything else fails the
 * platform's validation. The full schema still guards every call on our side (ajv, compiled once); the
 * model only needs the shape and the hints. A shape the platform cannot express at all (no type, an
 * array without `items`) is refused when the tool is defined, with the path that needs fixing.
 */
const BY_TYPE: Record<string, readonly string[]> = {
  string: ['description', 'nullable', 'enum', 'default', 'pattern', 'format'],
  integer: ['description', 'nullable', 'enum', 'default'],
  number: ['description', 'nullable', 'enum', 'default'],
  boolean: ['description', 'nullable', 'default'],
  array: ['description', 'nullable', 'default', 'items'],
  object: ['description', 'nullable', 'default', 'properties', 'required'],
  null: ['description'],
};
const COMBINATORS = ['oneOf', 'anyOf', 'allOf'] as const;
/** The `format` values SignalWire accepts; JSON Schema's `date-time` is spelt `date_time` there. */
const FORMATS = new Set([
  'date_time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uri',
  'uuid',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Each keyword's value must also have the type SignalWire expects for that property type. */
function fits(type: string, key: string, value: unknown): boolean {
  const scalar = (v: unknown) =>
    type === 'string'
      ? typeof v === 'string'
      : type === 'integer'
        ? Number.isInteger(v)
        : type === 'number'
          ? typeof v === 'number' && Number.isFinite(v)
          : type === 'boolean'
            ? typeof v === 'boolean'
            : type === 'array'
              ? Array.isArray(v)
              : isObject(v);
  switch (key) {
    case 'description':
    case 'pattern':
      return typeof value === 'string';
    case 'nullable':
      return typeof value === 'boolean';
    case 'enum':
      return Array.isArray(value) && value.every(scalar);
    case 'default':
      return scalar(value);
    case 'required':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    default:
      return true;
  }
}

function inferType(schema: JsonSchema): string | undefined {
  const values = schema.enum;
  if (!Array.isArray(values) || values.length === 0) return undefined;
  if (values.every((v) => typeof v === 'string')) return 'string';
  if (values.every((v) => Number.isInteger(v))) return 'integer';
  if (values.every((v) => typeof v === 'number')) return 'number';
  return undefined;
}

function projectTyped(schema: JsonSchema, type: string, path: string): JsonSchema {
  const allowed = BY_TYPE[type];
  if (allowed === undefined)
    throw new TypeError(`${path}: type ${JSON.stringify(type)} is not a JSON Schema type`);
  const out: JsonSchema = { type };
  for (const key of allowed) {
    const value = schema[key];
    if (value === undefined || !fits(type, key, value)) continue;
    if (key === 'items') out.items = projectProperty(value, `${path}.items`);
    else if (key === 'properties') out.properties = projectProperties(value, path);
    else if (key === 'format') {
      const format = value === 'date-time' ? 'date_time' : value;
      if (typeof format === 'string' && FORMATS.has(format)) out.format = format;
    } else out[key] = value;
  }
  if (type === 'array' && out.items === undefined)
    throw new TypeError(`${path}: an array needs one \`items\` schema (SignalWire requires it)`);
  // SignalWire requires a description on a null property.
  if (type === 'null' && typeof out.description !== 'string') out.description = 'null';
  return out;
}

function projectProperty(schema: unknown, path: string): JsonSchema {
  if (!isObject(schema)) throw new TypeError(`${path}: must be a JSON Schema object`);
  if ('const' in schema) return { const: schema.const };
  for (const key of COMBINATORS) {
    const branches = schema[key];
    if (branches === undefined) continue;
    if (!Array.isArray(branches) || branches.length === 0)
      throw new TypeError(`${path}: ${key} must be a non-empty array of schemas`);
    return { [key]: branches.map((b, i) => projectProperty(b, `${path}.${key}[${i}]`)) };
  }
  const type = schema.type ?? inferType(schema);
  if (Array.isArray(type)) {
    // ['string', 'null'] becomes SignalWire's `nullable`; several real types become an anyOf.
    const real = type.filter((t) => t !== 'null');
    const nullable = real.length < type.length;
    if (real.length === 1) {
      const one = projectTyped(schema, String(real[0]), path);
      return nullable && one.type !== 'null' ? { ...one, nullable: true } : one;
    }
    const branches = real.map((t) => projectTyped(schema, String(t), path));
    if (nullable) branches.push(projectTyped(schema, 'null', path));
    return { anyOf: branches };
  }
  if (typeof type !== 'string')
    throw new TypeError(`${path}: needs a \`type\` (or const, enum, oneOf, anyOf, allOf) for SignalWire`);
  return projectTyped(schema, type, path);
}

function projectProperties(properties: unknown, path: string): Record<string, JsonSchema> {
  if (!isObject(properties)) throw new TypeError(`${path}: properties must be an object`);
  const out: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(properties))
    out[name] = projectProperty(schema, `${path}.${name}`);
  return out;
}

/**
 * The parameters object sent in the SWML document for one tool (computed once, when the tool is defined).
 *
 * @example
 * wireParameters({ type: 'object', properties: { n: { type: 'number', minimum: 0 } } }, 'pay');
 * // { type: 'object', properties: { n: { type: 'number' } } }
 */
export function wireParameters(schema: ObjectSchema, tool: string): ObjectSchema {
  let properties: Record<string, JsonSchema>;
  try {
    properties = projectProperties(schema.properties ?? {}, 'parameters');
  } catch (err) {
    throw new TypeError(`tool ${tool}: ${(err as Error).message}`);
  }
  const out: ObjectSchema = { type: 'object', properties };
  if (fits('object', 'required', schema.required) && (schema.required?.length ?? 0) > 0)
    out.required = [...(schema.required ?? [])];
  return out;
}
