// Load: bounded rounds at high concurrency, direct and through Caddy: zero errors, zero non-2xx, and no memory
// growth across rounds while the limiter and revocation stores see many distinct callers and call ids.
import assert from 'node:assert/strict';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import { CADDY_HOST, startCaddy, type Caddy } from '../helpers/caddy.js';

const ROUND_S = Number(process.env.LOAD_ROUND_S ?? 12);
const CONNECTIONS = 100;
const DISTINCT = 4000;
/** RSS after the last round may exceed RSS after the first by at most this share (no unbounded growth). */
const MAX_GROWTH = 0.2;

function rssMb(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

/** Distinct callers and call ids per round: SWML fetches, open tool calls, secure calls with their token. */
function requestsFor(
  round: number,
  auth: string,
  securePath: string,
  secureCallId: string,
): AutocannonRequest[] {
  const headers = { 'content-type': 'application/json', authorization: auth };
  const out: AutocannonRequest[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const n = round * DISTINCT + i;
    const caller = `+1555${String(1_000_000 + n).slice(1)}`;
    const kind = i % 3;
    if (kind === 0) {
      const body = { call: { call_id: `load-${n}`, from: caller, to: '+15559870000' }, vars: {} };
      out.push({ method: 'POST', path: '/', headers, body: JSON.stringify(body) });
    } else {
      const secure = kind === 2;
      const body = {
        function: secure ? 'transfer_funds' : 'get_balance',
        call_id: secure ? secureCallId : `load-${n}`,
        caller_id_num: caller,
        argument: { parsed: [secure ? { amount: 5, to_account: '1234567890' } : {}] },
      };
      out.push({ method: 'POST', path: secure ? securePath : '/swaig', headers, body: JSON.stringify(body) });
    }
  }
  return out;
}

interface Round {
  where: 'direct' | 'caddy';
  requests: number;
  rps: number;
  errors: number;
  non2xx: number;
  rssMb: number;
}

describe('load', { timeout: 180_000 }, () => {
  let agent: AgentProcess;
  let caddy: Caddy;
  let auth = '';
  const rounds: Round[] = [];

  before(async () => {
    agent = await startAgentProcess({
      env: {
        SWML_TRUST_PROXY: '1',
        SWML_RATE_LIMIT: '1000000',
        SWML_CALLER_FUNCTION_LIMIT: '100000',
        SWML_CALLER_CALL_LIMIT: '100000',
        SWML_CALL_RATE_LIMIT: '1000000',
      },
    });
    // Every request logs an access and an audit line: drain them instead of keeping them in this process.
    agent.child.stdout?.removeAllListeners('data').resume();
    agent.child.stderr?.removeAllListeners('data').resume();
    auth = `Basic ${Buffer.from(`${agent.user}:${agent.password}`).toString('base64')}`;
    caddy = await startCaddy(`127.0.0.1:${agent.port}`, { maxLogLines: 200 });
  });
  after(async () => {
    await caddy.stop();
    assert.equal(await agent.stop(), 0);
  });

  async function tokenPath(base: string, callId: string, extra: Record<string, string> = {}) {
    // Fetched the same way the load goes (direct or through Caddy), so the token's URL is the public one.
    const res = await fetch(`http://127.0.0.1:${agent.port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth, ...extra },
      body: JSON.stringify({ call: { call_id: callId } }),
    });
    const swml = await res.text();
    const path = /"function":"transfer_funds".*?"web_hook_url":"[^"]*?(\/swaig\?__token=[^"]+)"/.exec(
      swml,
    )?.[1];
    assert.ok(path, `${base}: token for transfer_funds`);
    return path;
  }

  async function round(where: Round['where'], index: number, seconds = ROUND_S): Promise<Round> {
    const callId = `load-secure-${index}`;
    const securePath = await tokenPath(where, callId);
    const plain = requestsFor(index, auth, securePath, callId);
    const target =
      where === 'direct'
        ? { url: `http://127.0.0.1:${agent.port}` }
        : { url: `https://127.0.0.1:${caddy.httpsPort}`, servername: CADDY_HOST };
    const hostHeader: Record<string, string> =
      where === 'caddy' ? { host: `${CADDY_HOST}:${caddy.httpsPort}` } : {};
    const requests = plain.map((r) => ({ ...r, headers: { ...r.headers, ...hostHeader } }));
    const result = await autocannon({
      ...target,
      connections: CONNECTIONS,
      duration: seconds,
      requests,
    });
    // A cool-down at a low rate before reading memory: right after a full-speed round RSS still holds
    // garbage V8 has not collected yet, which says nothing about growth.
    await autocannon({
      ...target,
      connections: 2,
      duration: 4,
      overallRate: 100,
      requests: requests.slice(0, 50),
    });
    return {
      where,
      requests: result.requests.total,
      rps: Math.round(result.requests.total / result.duration),
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      rssMb: Math.round(rssMb(agent.child.pid!) * 10) / 10,
    };
  }

  it(`3 rounds of ${ROUND_S} s direct and 2 through Caddy (after a warm-up) at ${CONNECTIONS} connections`, async () => {
    // A short warm-up first: V8 sizes its heap to the load in the first seconds; growth is measured after.
    const warmup = await round('direct', 9, 5);
    for (let i = 0; i < 3; i++) rounds.push(await round('direct', i));
    for (let i = 3; i < 5; i++) rounds.push(await round('caddy', i));
    console.log(JSON.stringify({ warmup, rounds }));
    for (const r of rounds) {
      assert.ok(r.requests > 0, `${r.where}: requests were answered`);
      assert.equal(r.errors, 0, `${r.where}: no connection errors or timeouts`);
      assert.equal(r.non2xx, 0, `${r.where}: every answer 2xx`);
    }
    // Same traffic, new callers and call ids each round: the stores grow by keys, the process must not.
    const first = rounds[0]!.rssMb;
    const third = rounds[2]!.rssMb;
    assert.ok(third <= first * (1 + MAX_GROWTH), `RSS ${first} MB after round 1, ${third} MB after round 3`);
    assert.ok(Math.max(...rounds.map((r) => r.rssMb)) < 400, 'RSS stays under 400 MB');
    assert.equal(agent.child.exitCode, null);
  });
});
