// Redaction of sensitive values before anything is logged: argument fields, URLs, caller numbers.

/** Argument fields always redacted (SPEC 8); tools add theirs with `sensitive: [...]`. */
export const DEFAULT_SENSITIVE_FIELDS = [
  'password',
  'passcode',
  'pin',
  'ssn',
  'credit_card',
  'card_number',
  'cvv',
  'cvc',
  'account_password',
  'verification_code',
  'secret',
  'token',
] as const;

export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 6;
const MAX_STRING = 256;
const MAX_KEYS = 50;

/** Field names compare case-insensitively with `-` and `_` treated alike. */
export function normalizeField(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

/** Builds the sensitive-field set for one tool. */
export function sensitiveSet(extra: readonly string[] = []): ReadonlySet<string> {
  return new Set([...DEFAULT_SENSITIVE_FIELDS, ...extra].map(normalizeField));
}

/**
 * Returns a bounded copy of `value` for logging: sensitive fields replaced, long strings cut,
 * deep or wide structures truncated. Never mutates the input.
 */
export function sanitize(value: unknown, sensitive: ReadonlySet<string>, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((v) => sanitize(v, sensitive, depth + 1));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (n++ >= MAX_KEYS) break;
    out[key] = sensitive.has(normalizeField(key)) ? REDACTED : sanitize(v, sensitive, depth + 1);
  }
  return out;
}

const SECRET_QUERY = /([?&](?:__token|token|signature|sig)=)[^&#]*/gi;

/** Removes userinfo and token/signature query values from a URL or path. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/, '//').replace(SECRET_QUERY, `$1${REDACTED}`);
}

/** Keeps the last 4 digits of a phone number: `+15551234567` -> `***4567`. */
export function maskPhone(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const digits = value.replace(/\D/g, '');
  return digits.length <= 4 ? '***' : `***${digits.slice(-4)}`;
}
