// Floods a real agent process (loopback, bounded): the audit trail survives, the log grows by a bounded amount
// derived from the aggregation design, memory stays bounded, and a stalled stdout neither grows the heap nor
// holds SIGTERM (issue 11, as the attacker ran it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { LOG_LIMITS } from '../../src/observability/limits.js';
import { AGGREGATION } from '../../src/observability/refusal-aggregator.js';
import {
  eventually,
  freePort,
  ROOT,
  startAgentProcess,
  type AgentProcess,
} from '../helpers/agent-process.js';
import { ADMIN_TOKEN, PASSWORD, TOKEN_SECRET, USER, swaigBody, tokenFor } from '../helpers/app.js';

const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const CALL = 'flood-audited-call';

function rssMb(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

/** Samples the RSS of `pid` every 200 ms until stopped; returns the peak. */
function rssSampler(pid: number) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // the process ended
    }
  }, 200);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

interface Shot {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * `sources` loopback addresses (127.0.0.x: distinct clients to the agent), `perSource` requests in flight
 * each, for `durationMs`. Returns the count of answers by status.
 */
async function flood(
  port: number,
  durationMs: number,
  sources: number,
  perSource: number,
  next: (i: number) => Shot,
) {
  const statuses = new Map<number, number>();
  const deadline = Date.now() + durationMs;
  let n = 0;
  const agents = Array.from({ length: sources }, () => new Agent({ keepAlive: true, maxSockets: perSource }));
  const one = (source: number) =>
    new Promise<void>((resolve) => {
      const shot = next(n++);
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: shot.method,
          path: shot.path,
          headers: { ...shot.headers, ...(shot.body ? { 'content-type': 'application/json' } : {}) },
          localAddress: `127.0.0.${source + 10}`,
          agent: agents[source],
        },
        (res) => {
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          res.resume();
          res.on('end', resolve);
          res.on('error', resolve);
        },
      );
      req.on('error', () => {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
        resolve();
      });
      req.end(shot.body);
    });
  await Promise.all(
    Array.from({ length: sources * perSource }, async (_, k) => {
      while (Date.now() < deadline) await one(k % sources);
    }),
  );
  for (const a of agents) a.destroy();
  return statuses;
}

const bytesOf = (lines: string[]) => lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
const dirBytes = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const dirText = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');

/** Drives one real call: call_start, two function_call lines, call_end. */
async function auditedCall(agent: AgentProcess): Promise<void> {
  const post = (path: string, body: unknown) =>
    fetch(`${agent.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const swml = (await (await post('/', { call: { call_id: CALL, from: '+15551239999' } })).json()) as {
    sections: { main: [unknown, { ai: { post_prompt_url: string } }] };
  };
  assert.equal((await post('/swaig', swaigBody('get_balance', {}, { call_id: CALL }))).status, 200);
  const transfer = tokenFor(swml, 'transfer_funds').path;
  const moved = await post(
    transfer,
    swaigBody('transfer_funds', { amount: 5, to_account: '1234567890' }, { call_id: CALL }),
  );
  assert.equal(moved.status, 200);
  const pp = new URL(swml.sections.main[1].ai.post_prompt_url);
  const ended = await post(`${pp.pathname}${pp.search}`, {
    action: 'post_conversation',
    call_id: CALL,
    post_prompt_data: { raw: 'done' },
  });
  assert.equal(ended.status, 200);
}

function auditedEvents(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.includes(`"call_id":"${CALL}"`) && l.includes('"audit":true'))
    .map((l) => {
      const r = JSON.parse(l) as { event: string; function?: string; outcome?: string };
      return [r.event, r.function, r.outcome].filter(Boolean).join(':');
    });
}

describe('log flood', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'swml-flood-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an unauthenticated flood with long URLs and rate-limited requests cannot push the audit trail out', async () => {
    // A small rotation budget: without aggregation the flood would rotate the call's lines out of it.
    const agent = await startAgentProcess({
      env: { AUDIT_LOG_FILE: join(dir, 'audit.log'), AUDIT_LOG_MAX_SIZE: '256kb', AUDIT_LOG_MAX_FILES: '2' },
    });
    try {
      await auditedCall(agent);
      const expected = [
        'call_start',
        'function_call:get_balance:ok',
        'function_call:transfer_funds:ok',
        'call_end',
      ];
      await eventually('the call in the file and on stdout', () => {
        return (
          auditedEvents(dirText(dir)).join() === expected.join() &&
          auditedEvents(agent.logs.join('\n')).join() === expected.join()
        );
      });
      const stdoutBefore = bytesOf(agent.logs);
      const linesBefore = agent.logs.length;
      const fileBefore = dirBytes(dir);
      const rssBefore = rssMb(agent.child.pid!);
      const peak = rssSampler(agent.child.pid!);

      const SOURCES = 6;
      const DURATION = 12_000;
      const pad = 'A'.repeat(8_000);
      const started = Date.now();
      const statuses = await flood(agent.port, DURATION, SOURCES, 4, (i) =>
        i % 2 === 0
          ? { method: 'GET', path: `/${pad}/${i}` }
          : { method: 'GET', path: `/?pad=${pad}&i=${i}` },
      );
      const total = [...statuses.values()].reduce((a, b) => a + b, 0);
      const metrics = await (await fetch(agent.metricsUrl)).text();
      const peakMb = peak();
      assert.equal(await agent.stop(), 0, 'clean exit: every line written');
      const elapsed = Date.now() - started;

      // Every request was refused and counted.
      assert.ok(total > 1_000, `flood size: ${total} requests (${JSON.stringify([...statuses])})`);
      for (const status of statuses.keys()) assert.ok([401, 404, 429].includes(status), `status ${status}`);
      const timed = [
        ...metrics.matchAll(/^swml_http_request_duration_seconds_count\{[^}]*\} (\d+)/gm),
      ].reduce((n, m) => n + Number(m[1]), 0);
      assert.ok(timed >= total, `every request is timed (${timed} >= ${total})`);

      // The audit events written before the flood are still there, in the file and on stdout.
      assert.deepEqual(auditedEvents(dirText(dir)), expected);
      assert.deepEqual(auditedEvents(agent.logs.join('\n')), expected);

      // Growth bound from the design: per (client, kind) at most one first line per window and one summary
      // per window plus the final flush; kinds: 3 refused statuses in the access log, and auth_failure,
      // rate_limited:ip, rate_limited:auth in the audit log; every such line <= LOG_LIMITS.refusalLine.
      const windows = Math.ceil(elapsed / AGGREGATION.windowMs) + 1;
      const perPair = 2 * windows + 1;
      const auditKinds = 3;
      const accessKinds = statuses.size;
      const shutdownLines = 10;
      const stdoutBound =
        (SOURCES * (auditKinds + accessKinds) * perPair + shutdownLines) * LOG_LIMITS.refusalLine;
      const fileBound = SOURCES * auditKinds * perPair * LOG_LIMITS.refusalLine;
      const floodLines = agent.logs.slice(linesBefore);
      const stdoutGrowth = bytesOf(agent.logs) - stdoutBefore;
      const fileGrowth = dirBytes(dir) - fileBefore;
      assert.ok(stdoutGrowth <= stdoutBound, `stdout grew ${stdoutGrowth} B > bound ${stdoutBound} B`);
      assert.ok(fileGrowth <= fileBound, `audit file grew ${fileGrowth} B > bound ${fileBound} B`);
      for (const line of floodLines) {
        assert.ok(
          Buffer.byteLength(line) <= LOG_LIMITS.refusalLine,
          `line of ${line.length}: ${line.slice(0, 120)}`,
        );
      }
      assert.ok(
        floodLines.some((l) => l.includes('"summary":true')),
        'summaries were written',
      );
      assert.ok(!floodLines.some((l) => l.includes(pad.slice(0, 1_000))), 'no long URL written whole');

      // Memory: bounded (the same flood before the fix grew the heap by hundreds of MB).
      assert.ok(peakMb - rssBefore < 100, `RSS ${rssBefore.toFixed(0)} -> peak ${peakMb.toFixed(0)} MB`);
      process.stdout.write(
        `# flood: ${total} requests in ${elapsed} ms; stdout +${stdoutGrowth} B (bound ${stdoutBound}), audit file +${fileGrowth} B (bound ${fileBound}); RSS ${rssBefore.toFixed(0)} -> ${peakMb.toFixed(0)} MB\n`,
      );
    } finally {
      await agent.stop('SIGKILL');
    }
  });
});

describe('stalled stdout', { timeout: 120_000 }, () => {
  let fifo = '';
  let reader = -1;
  let writer = -1;
  before(() => {
    const dir = mkdtempSync(join(tmpdir(), 'swml-stall-'));
    fifo = join(dir, 'stdout.fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader that is open (no EPIPE) but never reads: the pipe fills at 64 KB, then stdout stalls.
    reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    writer = openSync(fifo, constants.O_WRONLY);
  });
  after(() => {
    if (writer >= 0) closeSync(writer);
    if (reader >= 0) closeSync(reader);
  });

  it('memory stays bounded, access lines are dropped and counted, new work gets 503, SIGTERM exits in time', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/reliability/fixtures/backpressure-agent.ts'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          PORT: String(port),
          HOST: '127.0.0.1',
          METRICS_PORT: String(metricsPort),
          METRICS_HOST: '127.0.0.1',
          SWML_BASIC_AUTH_PASSWORD: PASSWORD,
          SWML_TOKEN_SECRET: TOKEN_SECRET,
          SWML_ADMIN_TOKEN: ADMIN_TOKEN,
          SWML_RATE_LIMIT: '1000000',
          SWML_CALLER_FUNCTION_LIMIT: '100000',
          SWML_FUNCTION_TIMEOUT_MS: '1000',
        },
        stdio: ['ignore', writer, 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually(
        'the agent answers',
        () => {
          void fetch(`http://127.0.0.1:${metricsPort}/health`).then(
            (r) => (child.exitCode === null && r.ok ? (up = true) : undefined),
            () => undefined,
          );
          return up;
        },
        20_000,
      );
      const rssBefore = rssMb(child.pid!);
      const peak = rssSampler(child.pid!);
      const body = JSON.stringify(swaigBody('get_balance', { pad: 'p'.repeat(300) }));
      let ready = 0;
      const statuses = await flood(port, 8_000, 2, 8, (i) => {
        if (i % 200 === 0)
          void fetch(`http://127.0.0.1:${port}/ready`).then((r) => (r.status === 503 ? ready++ : undefined));
        return { method: 'POST', path: '/swaig', headers: { authorization: AUTH }, body };
      });
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const peakMb = peak();

      assert.ok(
        (statuses.get(503) ?? 0) > 0,
        `503 while audit lines cannot be written: ${JSON.stringify([...statuses])}`,
      );
      assert.ok(ready > 0, '/ready said 503 during the stall');
      assert.match(metrics, /^swml_audit_blocked 1$/m);
      const dropped = Number(
        /^swml_log_lines_dropped_total\{stream="access"\} (\d+)/m.exec(metrics)?.[1] ?? 0,
      );
      assert.ok(dropped > 0, `access lines dropped: ${dropped}`);
      assert.match(
        metrics,
        /^swml_log_lines_dropped_total\{stream="audit_copy"\} 0$/m,
        'no audit line dropped',
      );
      assert.ok(peakMb - rssBefore < 100, `RSS ${rssBefore.toFixed(0)} -> peak ${peakMb.toFixed(0)} MB`);

      const drainLimitMs = 1_000 + 5_000;
      const sent = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<'hung'>((r) => setTimeout(() => r('hung'), drainLimitMs + 5_000)),
      ]);
      const took = Date.now() - sent;
      assert.notEqual(code, 'hung', `SIGTERM did not end the process within ${drainLimitMs + 5_000} ms`);
      assert.equal(code, 1, 'exit 1: stdout did not take every line');
      process.stdout.write(
        `# stall: ${JSON.stringify([...statuses])}; dropped access ${dropped}; RSS ${rssBefore.toFixed(0)} -> ${peakMb.toFixed(0)} MB; SIGTERM -> exit in ${took} ms\n`,
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

let up = false;
