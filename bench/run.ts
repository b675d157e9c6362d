// `npm run bench [-- --quick] [-- --log=<file>]`: bare node:http, bare Express 5 and the agent, measured alike.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { buildServer, measure, ROOT, type MeasureOptions } from './harness.js';
import { cores, median, pinSelf } from './lib.js';
import { printFixedRate, printTable, summarize, type RunRecord } from './report.js';
import { SCENARIOS } from './scenarios.js';

const quick = process.argv.includes('--quick');
const logArg = process.argv.find((a) => a.startsWith('--log='));
const settings = {
  rounds: 3,
  connections: 32,
  durationS: quick ? 3 : 10,
  warmupS: quick ? 1 : 3,
  fixedRate: 500,
  fixedDurationS: quick ? 4 : 10,
  // Where the agents' pino lines go: every line is serialized and written, then discarded by /dev/null.
  logTo: logArg ? logArg.slice('--log='.length) : '/dev/null',
};

const script = buildServer();
const pin = cores();
if (pin) pinSelf(pin.client);
const options: MeasureOptions = { script, core: pin?.server, ...settings };

const runs: RunRecord[] = [];
const fixed: RunRecord[] = [];
for (let round = 0; round < settings.rounds; round++) {
  // Interleaved, with the order rotated each round, so drift (thermal, noisy neighbours) spreads evenly.
  const order = SCENARIOS.map((_, i) => SCENARIOS[(i + round) % SCENARIOS.length]!);
  for (const scenario of order) {
    const record = await measure(scenario, options);
    runs.push(record);
    process.stderr.write(
      `round ${round + 1}  ${scenario.id.padEnd(13)} ${record.rps.toFixed(0).padStart(7)} req/s  p99 ${record.p99.toFixed(2)} ms  peak ${record.peakMb.toFixed(0)} MB\n`,
    );
  }
  for (const id of round % 2 ? ['swaig-secure', 'express'] : ['express', 'swaig-secure']) {
    const scenario = SCENARIOS.find((s) => s.id === id)!;
    const record = await measure(scenario, {
      ...options,
      rate: settings.fixedRate,
      durationS: settings.fixedDurationS,
    });
    fixed.push(record);
    process.stderr.write(
      `round ${round + 1}  ${id.padEnd(13)} @${settings.fixedRate}/s  p50 ${record.p50.toFixed(3)} ms  p99 ${record.p99.toFixed(3)} ms\n`,
    );
  }
}

const summary = summarize(runs);
printTable(summary);
const p99Of = (id: string) => median(fixed.filter((r) => r.scenario === id).map((r) => r.p99));
const fixedRate = {
  rate: settings.fixedRate,
  express_p99_ms: p99Of('express'),
  secure_p99_ms: p99Of('swaig-secure'),
};
printFixedRate(fixedRate);

const machine = {
  cpus: cpus().length,
  model: cpus()[0]?.model,
  memGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  pinned: pin ?? null,
};
mkdirSync(`${ROOT}bench/results`, { recursive: true });
const file = `${ROOT}bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ settings, machine, summary, fixedRate, runs, fixed }, null, 2));
console.log(`\nresults: ${file}`);
