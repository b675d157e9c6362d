// Benchmark summaries: medians per scenario, ratios to the two baselines, the table and the targets.
import { median, type LoadResult } from './lib.js';
import { SCENARIOS } from './scenarios.js';

export interface RunRecord extends LoadResult {
  scenario: string;
  peakMb: number;
  rssMb: number;
  cpuUsPerReq: number;
}

/**
 * Issue 13's targets: throughput as a share of bare Express, judged by CPU per request (steadier than
 * req/s on a shared machine); never asserted, only reported.
 */
const TARGETS: Record<string, number> = {
  'swml-demo': 0.8,
  'swml-50': 0.5,
  'swaig-open': 0.9,
  'swaig-secure': 0.8,
};
/** At the fixed rate, the secure call's p99 may exceed bare Express' by this much. */
const P99_MARGIN_MS = 2;
const RSS_TARGET = 1.25;

export interface SummaryRow {
  scenario: string;
  label: string;
  rps: number;
  p50: number;
  p99: number;
  peakMb: number;
  vsExpress: number;
  vsHttp: number;
  rssVsExpress: number;
  /** Server CPU microseconds per request, and Express' CPU per request over this one (a throughput ratio). */
  cpuUsPerReq: number;
  cpuVsExpress: number;
  target: number | null;
  errors: number;
  non2xx: number;
}

export function summarize(runs: RunRecord[]): SummaryRow[] {
  const of = (id: string) => runs.filter((r) => r.scenario === id);
  const med = (id: string, key: 'rps' | 'p50' | 'p99' | 'peakMb' | 'cpuUsPerReq') =>
    median(of(id).map((r) => r[key]));
  const expressCpu = med('express', 'cpuUsPerReq');
  const express = med('express', 'rps');
  const http = med('http', 'rps');
  const expressRss = med('express', 'peakMb');
  return SCENARIOS.map((s) => ({
    scenario: s.id,
    label: s.label,
    rps: med(s.id, 'rps'),
    p50: med(s.id, 'p50'),
    p99: med(s.id, 'p99'),
    peakMb: med(s.id, 'peakMb'),
    vsExpress: med(s.id, 'rps') / express,
    vsHttp: med(s.id, 'rps') / http,
    rssVsExpress: med(s.id, 'peakMb') / expressRss,
    cpuUsPerReq: med(s.id, 'cpuUsPerReq'),
    cpuVsExpress: expressCpu / med(s.id, 'cpuUsPerReq'),
    target: TARGETS[s.id] ?? null,
    errors: of(s.id).reduce((n, r) => n + r.errors, 0),
    non2xx: of(s.id).reduce((n, r) => n + r.non2xx, 0),
  }));
}

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function printTable(rows: SummaryRow[]): void {
  const head = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'peak RSS MB',
    'x Express',
    'x node:http',
    'RSS x Express',
    'CPU us/req',
    'x Express by CPU',
    'target',
    'errors/non-2xx',
  ];
  const lines = rows.map((r) => [
    r.label,
    r.rps.toFixed(0),
    r.p50.toFixed(2),
    r.p99.toFixed(2),
    r.peakMb.toFixed(1),
    r.vsExpress.toFixed(2),
    r.vsHttp.toFixed(2),
    `${r.rssVsExpress.toFixed(2)}${r.target === null ? '' : ` (${mark(r.rssVsExpress <= RSS_TARGET)})`}`,
    r.cpuUsPerReq.toFixed(0),
    r.cpuVsExpress.toFixed(2),
    r.target === null ? '' : `>= ${r.target.toFixed(1)} by CPU (${mark(r.cpuVsExpress >= r.target)})`,
    `${r.errors}/${r.non2xx}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n${fmt(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

export function printFixedRate(f: { rate: number; express_p99_ms: number; secure_p99_ms: number }): void {
  const diff = f.secure_p99_ms - f.express_p99_ms;
  console.log(
    `\nfixed rate ${f.rate} req/s: p99 bare Express ${f.express_p99_ms.toFixed(2)} ms, secure SWAIG ${f.secure_p99_ms.toFixed(2)} ms, difference ${diff.toFixed(2)} ms (target <= ${P99_MARGIN_MS} ms: ${mark(diff <= P99_MARGIN_MS)})`,
  );
}
