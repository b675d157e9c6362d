// Restarting the agent behind the real Caddy (caddy/Caddyfile) under steady traffic loses at most one request:
// three SignalWire-like clients POST SWML fetches through Caddy while the agent process is stopped (SIGTERM:
// lame duck, drain, exit) and a new one starts on the same port, as `docker compose restart agent` does.
// Runs the current Caddy release (2.11+, as docker-compose.yml pins): Debian 12's 2.6.2 cannot hold a POST
// (docs/deployment.md, "Restarts").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { freePort, startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import { requireCurrentCaddy } from '../helpers/binaries.js';
import { CADDY_HOST, startCaddy, type Caddy } from '../helpers/caddy.js';
import { callBody, send, sleep, withAuth } from '../helpers/edge.js';

/** As in docker-compose.yml: 3 s of lame duck, three of Caddy's 1 s health intervals. */
const ENV = {
  SWML_TRUST_PROXY: '1',
  SWML_SHUTDOWN_DELAY_MS: '3000',
  // High enough that this test's traffic is never refused for its rate.
  SWML_RATE_LIMIT: '1000000',
  SWML_CALL_RATE_LIMIT: '1000000',
  SWML_CALLER_CALL_LIMIT: '100000',
};
const CLIENTS = 3;

interface Outcome {
  at: number;
  end: number;
  status: number;
  error?: string;
}

let caddy: Caddy;
let caddyBin = '';
let agent: AgentProcess;
let env: Record<string, string> = {};

before(async () => {
  caddyBin = requireCurrentCaddy();
  env = { ...ENV, PORT: String(await freePort()), METRICS_PORT: String(await freePort()) };
  agent = await startAgentProcess({ env });
  caddy = await startCaddy(`127.0.0.1:${env.PORT}`, { maxLogLines: 2000, bin: caddyBin });
});

after(async () => {
  await agent.stop();
  await caddy.stop();
});

test('restarting the agent behind Caddy under steady traffic fails at most one request', async (t) => {
  const url = withAuth(`https://${CADDY_HOST}:${caddy.httpsPort}/`, agent);
  const outcomes: Outcome[] = [];
  let stop = false;
  let n = 0;
  // Each client sends a new call every ~50 ms, waiting for its previous answer.
  const client = async () => {
    while (!stop) {
      const at = Date.now();
      try {
        const res = await send(url, 'POST', { ca: caddy.ca, body: callBody(`call-restart-${n++}`) });
        outcomes.push({ at, end: Date.now(), status: res.status });
      } catch (err) {
        outcomes.push({ at, end: Date.now(), status: 0, error: String(err) });
      }
      await sleep(50);
    }
  };
  const traffic = Promise.all(Array.from({ length: CLIENTS }, client));
  const okCount = () => outcomes.filter((o) => o.status === 200).length;
  const waitFor = async (what: string, check: () => boolean) => {
    for (let i = 0; i < 1200 && !check(); i++) await sleep(50);
    assert.ok(check(), `timed out waiting for ${what}`);
  };

  await waitFor('traffic before the restart', () => okCount() >= 30);
  const stoppedAt = Date.now();
  assert.equal(await agent.stop(), 0, 'the agent drains and exits cleanly on SIGTERM');
  const exitedAt = Date.now();
  agent = await startAgentProcess({ env });
  const upAt = Date.now();
  const okBefore = okCount();
  await waitFor('traffic after the restart', () => okCount() >= okBefore + 30);
  stop = true;
  await traffic;

  const failed = outcomes.filter((o) => o.status !== 200);
  // Requests that reached Caddy while no agent listened, and were held until the new one answered.
  const held = outcomes.filter((o) => o.at < upAt && o.end > exitedAt);
  const version = execFileSync(caddyBin, ['version'], { encoding: 'utf8' }).split(' ')[0]?.trim();
  t.diagnostic(
    `restart under traffic (Caddy ${version}, ${CLIENTS} clients): ${outcomes.length} requests, ` +
      `${failed.length} failed; lame duck and drain ${exitedAt - stoppedAt} ms, no agent for ` +
      `${upAt - exitedAt} ms, ${held.length} requests held through it, longest ` +
      `${Math.max(...outcomes.map((o) => o.end - o.at))} ms`,
  );
  for (const f of failed) t.diagnostic(`failed: ${f.status} ${f.error ?? ''} after ${f.end - f.at} ms`);
  if (failed.length > 0) {
    for (const line of caddy.logs.filter((l) => l.includes('"level":"error"')))
      t.diagnostic(line.slice(0, 300));
  }
  assert.ok(held.length >= 1, 'requests arrived while no agent listened (the test covers the gap)');
  assert.ok(failed.length <= 1, `${failed.length} of ${outcomes.length} requests failed`);
});
