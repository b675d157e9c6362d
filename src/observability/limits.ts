// How much of any client-supplied string a log line may carry (docs/security.md "Bounded log lines").

/**
 * Why bounds: every request, refused ones included, writes log lines, and an attacker controls the URL,
 * the arguments and their keys. Without a bound one request writes kilobytes, and a flood rotates the
 * real audit events out of the log. Each value is cut to these lengths (UTF-16 units) with a visible
 * `…[+N chars]` marker, so a reader knows that something was cut and how much.
 */
export const LOG_LIMITS = {
  /** The request URL in the access line (after redaction). */
  url: 512,
  /** Any other string value: argument values, audit details, ajv reasons, caller names. */
  string: 256,
  /** Argument and detail keys. */
  key: 64,
  /** The client address (`req.ip`, which a trusted hop's X-Forwarded-For decides). */
  ip: 64,
  /** `call_id` in audit lines (SWML call ids are at most 128 characters). */
  callId: 128,
  /** Values (keys, array items, nested objects) logged per argument tree; the rest is `[Truncated]`. */
  values: 64,
  /** Nesting depth logged; deeper is `[Truncated]`. */
  depth: 6,
  /** Upper bound of one serialized line that carries a full argument tree (bytes, JSON escaping aside). */
  line: 32 * 1024,
  /**
   * Upper bound of one refusal's line (access line of a refused request, auth_failure / rate_limited /
   * token_rejected audit line, or a summary): the unit of the log budget in docs/security.md.
   */
  refusalLine: 1024,
} as const;

/** Cuts `value` to `max` characters with a marker: `abc…[+1234 chars]`. */
export function clip(value: string, max: number = LOG_LIMITS.string): string {
  return value.length <= max ? value : `${value.slice(0, max)}…[+${value.length - max} chars]`;
}
