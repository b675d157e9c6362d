// "Did you mean" for mistyped environment variable names (SWML_BASIC_AUTH_PASS -> SWML_BASIC_AUTH_PASSWORD).

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/**
 * Returns `[given, suggestion]` pairs for env vars that look like ours but are not:
 * a known name within edit distance 3, or a known name that starts with the given one.
 */
export function suggestEnvNames(
  env: Readonly<Record<string, string | undefined>>,
  known: readonly string[],
): [string, string][] {
  const out: [string, string][] = [];
  const knownSet = new Set(known);
  for (const name of Object.keys(env)) {
    if (knownSet.has(name) || !/^(SWML_|AGENT_|SIGNALWIRE_|METRICS_|AUDIT_)/.test(name)) continue;
    let best: string | undefined;
    let bestScore = 4;
    for (const candidate of known) {
      const score = candidate.startsWith(name) ? 1 : distance(name, candidate);
      if (score < bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    if (best) out.push([name, best]);
  }
  return out;
}
