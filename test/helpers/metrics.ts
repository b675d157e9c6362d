// Reads a Prometheus text exposition into `series -> value` for exact assertions.
import request from 'supertest';
import type { GuardApp } from '../../src/http/app.js';

export type Samples = Map<string, number>;

export function parseExposition(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

export async function scrape(app: GuardApp): Promise<Samples> {
  const res = await request(app.guard.internal).get('/metrics').expect(200);
  return parseExposition(res.text);
}

/** Series whose value changed between two scrapes (counters only: names ending in _total). */
export function counterDiff(before: Samples, after: Samples): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [series, value] of after) {
    if (
      !/^swml_\w+_total\{/.test(series) ||
      series.startsWith('swml_process_') ||
      series.startsWith('swml_nodejs_')
    )
      continue;
    const delta = value - (before.get(series) ?? 0);
    if (delta !== 0) diff[series] = delta;
  }
  return diff;
}
