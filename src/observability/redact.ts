// Redaction of sensitive values before anything is logged: argument trees, URLs, caller and account numbers.
import { isCardNumber, maskCards } from './card.js';
import { DEFAULT_FIELDS, compact, fieldClassifier, type FieldClassifier } from './field-names.js';
import { LOG_LIMITS, clip } from './limits.js';

export const REDACTED = '[REDACTED]';
const TRUNCATED = '[Truncated]';

/** Builds the classifier for one tool: built-in meanings, plus its `sensitive` and `mask` names. */
export function sensitiveSet(extra: readonly string[] = [], mask: readonly string[] = []): FieldClassifier {
  return extra.length === 0 && mask.length === 0
    ? DEFAULT_FIELDS
    : fieldClassifier({ sensitive: extra, mask });
}

/** Keeps the last 4 digits: `+15551234567` -> `***4567`; fewer than 5 digits -> `***`. */
export function maskDigits(value: unknown): string | undefined {
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string' || value === '') return undefined;
  const digits = value.replace(/\D/g, '');
  return digits.length <= 4 ? '***' : `***${digits.slice(-4)}`;
}

/** Caller numbers are masked like any identifying number. */
export const maskPhone = maskDigits;

/** A string as it may be logged: card numbers masked, cut to the string limit. */
export function scrubString(value: string, max: number = LOG_LIMITS.string): string {
  return clip(maskCards(value), max);
}

interface Walk {
  fields: FieldClassifier;
  budget: number;
  /** A value to mask wherever it appears in a string (the caller number in ctx.logger). */
  exact: string | undefined;
  exactMasked: string;
}

function leaf(value: unknown, w: Walk): unknown {
  if (typeof value === 'string') {
    const out = scrubString(value);
    return w.exact !== undefined && out.includes(w.exact) ? out.split(w.exact).join(w.exactMasked) : out;
  }
  if (typeof value === 'number' && isCardNumber(value)) return `[card ***${String(value).slice(-4)}]`;
  return value;
}

function walk(value: unknown, w: Walk, parent: string, depth: number): unknown {
  if (value === null || typeof value !== 'object') return leaf(value, w);
  // pino's err serializer writes type, message and stack; a copy of its own fields would lose them.
  if (value instanceof Error) return value;
  if (depth >= LOG_LIMITS.depth || w.budget <= 0) return TRUNCATED;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (w.budget-- <= 0) {
        out.push(TRUNCATED);
        break;
      }
      out.push(walk(item, w, parent, depth + 1));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (w.budget-- <= 0) {
      out[TRUNCATED] = TRUNCATED;
      break;
    }
    const v = (value as Record<string, unknown>)[key];
    const kind = w.fields.classify(key, parent);
    out[clip(key, LOG_LIMITS.key)] =
      kind === 'redact'
        ? REDACTED
        : kind === 'mask'
          ? (maskDigits(v) ?? REDACTED)
          : walk(v, w, compact(key), depth + 1);
  }
  return out;
}

/**
 * Returns a bounded copy of `value` for logging: fields classified by meaning (redacted or masked),
 * card numbers masked anywhere, strings and keys cut, at most LOG_LIMITS.values values and
 * LOG_LIMITS.depth levels. Never mutates the input.
 */
export function sanitize(
  value: unknown,
  fields: FieldClassifier = DEFAULT_FIELDS,
  options: { exact?: string | undefined } = {},
): unknown {
  const exact = options.exact !== undefined && options.exact.length >= 5 ? options.exact : undefined;
  return walk(
    value,
    { fields, budget: LOG_LIMITS.values, exact, exactMasked: maskDigits(exact) ?? '***' },
    '',
    0,
  );
}
