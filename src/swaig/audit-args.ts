// A bounded copy of a tool's arguments for the audit line: what the model sent, never megabytes of it.

/**
 * Why: the arguments are the caller's (and the model's) input, logged on every tool call, refused calls
 * included. A 1 MB body of invented fields must not become a 1 MB audit line (an attacker with the
 * password could otherwise rotate real events out of the log). Limits: depth, keys per object, items per
 * array, characters per string, and a total node budget; what is cut is marked with `…`.
 */
const MAX_DEPTH = 4;
const MAX_KEYS = 32;
const MAX_ITEMS = 32;
const MAX_STRING = 256;
const MAX_NODES = 256;
const MORE = '…';

export function auditArgs(args: Record<string, unknown>): Record<string, unknown> {
  let budget = MAX_NODES;

  function copy(value: unknown, depth: number): unknown {
    budget--;
    if (typeof value === 'string')
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}${MORE}` : value;
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return MORE;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        if (out.length >= MAX_ITEMS || budget <= 0) {
          out.push(MORE);
          break;
        }
        out.push(copy(item, depth + 1));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    let kept = 0;
    for (const [key, child] of Object.entries(value)) {
      if (kept >= MAX_KEYS || budget <= 0) {
        out[MORE] = `${Object.keys(value).length - kept} more field(s)`;
        break;
      }
      out[key.length > 64 ? `${key.slice(0, 64)}${MORE}` : key] = copy(child, depth + 1);
      kept++;
    }
    return out;
  }

  return copy(args, 0) as Record<string, unknown>;
}
