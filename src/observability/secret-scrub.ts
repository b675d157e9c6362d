// The last-line scrub: the configured secrets and function tokens, in any encoding, out of every log line.

export interface ScrubOptions {
  /** Values that must never appear in a log line (passwords, token secrets, admin token...). */
  secrets: readonly string[];
  /** Basic Auth pairs, whose `user:password` base64 is what an Authorization header carries. */
  credentials?: readonly { user: string; password: string }[];
  /** Key ids of the token secrets: any `<kid>.<payload>.<mac>` token in a line is replaced. */
  tokenKeyIds: readonly string[];
}

const REDACTED = '[REDACTED]';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** Unpadded: the padded form contains it. base64url differs only where `+` or `/` occur. */
function base64Forms(value: string): string[] {
  return [Buffer.from(value).toString('base64').replace(/=+$/, ''), Buffer.from(value).toString('base64url')];
}

/** Each character as itself or percent-encoded in either hex case; a space also as `+`. */
function percentPattern(secret: string): string {
  let out = '';
  for (const ch of secret) {
    const bytes = [...Buffer.from(ch)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const alternatives = [escape(ch), bytes];
    if (ch === ' ') alternatives.push('\\+');
    out += `(?:${alternatives.join('|')})`;
  }
  return out;
}

/**
 * Why a scrub on top of structured redaction: redaction covers the fields we know about; a stray error
 * message, a client that put a credential in a query string, or a third-party line could still carry
 * one. Every serialized line passes here. Plain and base64 forms are found with `includes` (cheap);
 * percent-encoded forms (any hex case, any mix of encoded and plain characters, `%2E` inside tokens)
 * with one case-insensitive pattern that runs only on lines that contain a `%`.
 */
export function secretScrubber(options: ScrubOptions): (line: string) => string {
  const values = options.secrets.filter((s) => s.length >= 8);
  const pairs = (options.credentials ?? []).filter((c) => c.password.length >= 8);
  // Longest first, so that a form containing another is replaced whole. Each is one `includes` per line.
  const plain = [
    ...new Set([
      ...values,
      ...pairs.flatMap((c) => [...base64Forms(`${c.user}:${c.password}`), ...base64Forms(c.password)]),
    ]),
  ].sort((a, b) => b.length - a.length);
  const percent = values.length > 0 ? new RegExp(values.map(percentPattern).join('|'), 'gi') : undefined;
  const kids = options.tokenKeyIds;
  const dot = '(?:\\.|%2e)';
  const token =
    kids.length > 0
      ? new RegExp(`(?:${kids.map(escape).join('|')})${dot}[A-Za-z0-9_-]+${dot}[A-Za-z0-9_-]+`, 'gi')
      : undefined;

  return function scrub(line) {
    let out = line;
    for (const s of plain) if (out.includes(s)) out = out.split(s).join(REDACTED);
    const hasPercent = out.includes('%');
    if (percent && hasPercent) out = out.replace(percent, REDACTED);
    if (token && (hasPercent || kids.some((k) => out.includes(k)))) out = out.replace(token, REDACTED);
    return out;
  };
}
