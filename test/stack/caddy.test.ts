// Real Caddy (caddy/Caddyfile, the compose one) in front of real agent processes on 127.0.0.1, no Docker:
// HTTPS from Caddy's local CA, redirects, public webhook URLs, spoofed forwarding headers, the edge 404s,
// redacted logs, a SignalWire-like call, and three replicas sharing one redis-server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import { requireBinary } from '../helpers/binaries.js';
import { startCaddy as startCaddyProcess, type Caddy } from '../helpers/caddy.js';
import {
  TRANSFERRED,
  aiOf,
  callBody,
  send,
  sleep,
  toolUrl,
  transferBody,
  withAuth,
} from '../helpers/edge.js';

const HOST = 'agent.localhost';
const LIMITED = "You've made too many requests. Please wait a moment.";

const cleanups: (() => Promise<void> | void)[] = [];

before(() => {
  requireBinary('caddy');
});

after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** Starts Caddy on the repo Caddyfile (shared helper) and stops it after the suite. */
async function startCaddy(upstreams: string[], httpsPort: number): Promise<Caddy> {
  const caddy = await startCaddyProcess(upstreams, { httpsPort });
  cleanups.push(() => caddy.stop());
  return caddy;
}

function https(
  caddy: Caddy,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
) {
  return send(new URL(`https://${HOST}:${caddy.httpsPort}${path}`), method, { ...opts, ca: caddy.ca });
}

/** Fetches the SWML through Caddy for a new call, as SignalWire does when the number rings. */
async function fetchSwml(
  caddy: Caddy,
  agent: AgentProcess,
  callId: string,
  headers: Record<string, string> = {},
) {
  const url = withAuth(`https://${HOST}:${caddy.httpsPort}/`, agent);
  const res = await send(url, 'POST', { body: callBody(callId), ca: caddy.ca, headers });
  assert.equal(res.status, 200, res.text);
  return aiOf(res.json());
}

describe('Caddy in front of one agent', () => {
  let caddy: Caddy;
  let agent: AgentProcess;
  let base = '';

  before(async () => {
    // The agent builds its URLs from the public base, so Caddy's HTTPS port is chosen first.
    const httpsPort = await freePort();
    base = `https://${HOST}:${httpsPort}`;
    agent = await startAgentProcess({
      env: { SWML_TRUST_PROXY: '1', SWML_PROXY_URL_BASE: base, SWML_RATE_LIMIT: '1000' },
    });
    cleanups.push(() => agent.stop().then(() => undefined));
    caddy = await startCaddy([`127.0.0.1:${agent.port}`], httpsPort);
  });

  test("serves HTTPS for agent.localhost with a certificate from Caddy's local CA, and only with it", async () => {
    const res = await https(caddy, 'GET', '/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
    await assert.rejects(
      send(new URL(`${base}/health`), 'GET'),
      /certificate/i,
      'untrusted without the root',
    );
  });

  test('redirects HTTP to HTTPS, keeping the port and the path', async () => {
    const res = await send(new URL(`http://${HOST}:${caddy.httpPort}/health?x=1`), 'GET');
    assert.ok([301, 302, 307, 308].includes(res.status), String(res.status));
    assert.equal(res.headers.location, `${base}/health?x=1`);
  });

  test('HSTS comes once (the agent sees https from its one trusted hop); no Server header', async () => {
    const res = await https(caddy, 'GET', '/health');
    const hsts = res.headers['strict-transport-security'];
    assert.equal(typeof hsts, 'string', 'exactly one HSTS header');
    assert.match(String(hsts), /max-age=\d+/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers.server, undefined);
  });

  test('SWML webhook URLs point at the public https base, with percent-encoded credentials', async () => {
    const ai = await fetchSwml(caddy, agent, 'call-urls');
    const urls = [
      ai.SWAIG.defaults.web_hook_url,
      ai.post_prompt_url,
      ...ai.SWAIG.functions.flatMap((f) => f.web_hook_url ?? []),
    ];
    assert.ok(urls.length >= 4);
    for (const raw of urls) {
      const url = new URL(raw);
      assert.equal(url.origin, base, raw.replace(/:[^:@/]+@/, ':***@'));
      assert.equal(decodeURIComponent(url.username), agent.user);
      assert.equal(decodeURIComponent(url.password), agent.password);
    }
    assert.match(toolUrl(ai, 'transfer_funds'), /\/swaig\?__token=/);
  });

  test('a spoofed X-Forwarded-For does not change the rate-limit key; spoofed Host headers change no URL', async () => {
    const remaining: number[] = [];
    const keys = new Set<string>();
    for (let i = 1; i <= 5; i++) {
      const res = await send(withAuth(`${base}/`, agent), 'POST', {
        ca: caddy.ca,
        body: callBody(`call-xff-${i}`),
        headers: {
          'x-forwarded-for': `203.0.113.${i}`,
          forwarded: `for=203.0.113.${i}`,
          'x-real-ip': `203.0.113.${i}`,
          'x-forwarded-host': 'evil.example',
          'x-forwarded-proto': 'http',
        },
      });
      assert.equal(res.status, 200, res.text);
      const [, r] = /r=(\d+)/.exec(String(res.headers.ratelimit)) ?? [];
      assert.ok(r, `RateLimit header: ${String(res.headers.ratelimit)}`);
      remaining.push(Number(r));
      keys.add(String(/pk=:([^:]+):/.exec(String(res.headers['ratelimit-policy']))?.[1]));
      const ai = aiOf(res.json());
      for (const raw of [ai.SWAIG.defaults.web_hook_url, ai.post_prompt_url])
        assert.equal(new URL(raw).origin, base);
      assert.doesNotMatch(res.text, /evil\.example/);
    }
    for (let i = 1; i < remaining.length; i++)
      assert.equal(remaining[i], remaining[i - 1]! - 1, `one bucket: ${remaining.join(',')}`);
    assert.equal(keys.size, 1, 'one partition key');
    // Log lines arrive through a pipe, possibly after the response: wait for all five (bounded).
    const audits = () => agent.logs.filter((l) => l.includes('"call_start"') && l.includes('call-xff-'));
    for (let i = 0; i < 50 && audits().length < 5; i++) await sleep(50);
    assert.equal(audits().length, 5);
    for (const line of audits()) assert.equal((JSON.parse(line) as { ip?: string }).ip, '127.0.0.1');
  });

  test('/metrics and /admin are unreachable through Caddy, and never reach the agent', async () => {
    const probes: [string, string][] = [
      ['GET', '/metrics'],
      ['GET', '/metrics/'],
      ['POST', '/admin/emergency'],
      ['POST', '/admin/functions/transfer_funds'],
    ];
    for (const [method, path] of probes) {
      const res = await https(caddy, method, path, {
        headers: { authorization: `Bearer ${agent.adminToken}` },
        body: method === 'POST' ? { level: 'all', reason: 'probe' } : undefined,
      });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.doesNotMatch(res.text, /swml_|emergency/);
    }
    assert.ok(!agent.logs.some((l) => /"url":"\/(metrics|admin)/.test(l)), 'the agent saw no such request');
    const metrics = await (await fetch(agent.metricsUrl)).text();
    assert.match(metrics, /swml_emergency_mode\{level="all"\} 0/, 'emergency mode untouched');
  });

  test('a SignalWire-like call through Caddy: SWML, then the secure tool with the token from its URL', async () => {
    const callId = 'call-flow-1';
    const ai = await fetchSwml(caddy, agent, callId);
    const url = new URL(toolUrl(ai, 'transfer_funds'));
    const ok = await send(url, 'POST', { ca: caddy.ca, body: transferBody(callId) });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json(), { response: TRANSFERRED });
    // The same token for another call is refused: it is bound to this call_id.
    const other = await send(url, 'POST', { ca: caddy.ca, body: transferBody('another-call') });
    assert.equal(other.status, 403);
    // Without its token the secure tool is refused too.
    const bare = await send(withAuth(`${base}/swaig`, agent), 'POST', {
      ca: caddy.ca,
      body: transferBody(callId),
    });
    assert.equal(bare.status, 403);
  });

  test("Caddy's logs hold no token, no password and no Authorization value", async () => {
    const ai = await fetchSwml(caddy, agent, 'call-logs');
    const url = new URL(toolUrl(ai, 'transfer_funds'));
    const token = url.searchParams.get('__token') ?? '';
    assert.ok(token.length > 20);
    await send(url, 'POST', { ca: caddy.ca, body: transferBody('call-logs') });
    // The same URL over plain HTTP: answered by Caddy's redirect listener, logged by its default logger.
    const plain = new URL(url);
    plain.protocol = 'http:';
    plain.port = String(caddy.httpPort);
    assert.equal((await send(plain, 'POST', { body: transferBody('call-logs') })).status >= 300, true);
    await send(new URL(`${base}/swaig?token=${token}`), 'POST', { ca: caddy.ca, body: {} });
    await eventually('the redacted access line', () =>
      caddy.logs.some((l) => l.includes('__token=REDACTED')),
    );
    const all = caddy.logs.join('\n');
    assert.match(all, /"uri":"\/swaig\?__token=REDACTED"/, 'the access log records the request, redacted');
    const basic = Buffer.from(`${agent.user}:${agent.password}`).toString('base64');
    for (const [what, secret] of [
      ['token', token],
      ['password', agent.password],
      ['Authorization value', basic],
      ['encoded password', encodeURIComponent(agent.password)],
    ] as const) {
      assert.ok(!all.includes(secret), `Caddy logged the ${what}`);
    }
    assert.doesNotMatch(all, /"Authorization":/);
  });
});

describe('three agents behind one Caddy, sharing a real redis-server (scale mode)', () => {
  const REDIS_PASSWORD = 'stack-redis-password-0123456789abcdef';
  let caddy: Caddy;
  let base = '';
  const agents: AgentProcess[] = [];

  before(async () => {
    const redisBin = requireBinary('redis-server');
    const redisPort = await freePort();
    const redis = spawn(
      redisBin,
      [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--requirepass',
        REDIS_PASSWORD,
      ],
      { stdio: 'ignore' },
    );
    const redisExited = new Promise((r) => redis.once('exit', r));
    cleanups.push(async () => {
      if (redis.exitCode === null) {
        redis.kill('SIGTERM');
        await redisExited;
      }
    });
    const httpsPort = await freePort();
    base = `https://${HOST}:${httpsPort}`;
    // No SWML_PROXY_URL_BASE here: the URLs come from Caddy's X-Forwarded-Proto/Host (one trusted hop).
    const env = {
      REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redisPort}/0`,
      SWML_TRUST_PROXY: '1',
      SWML_CALLER_FUNCTION_LIMIT: '3',
    };
    for (let i = 0; i < 3; i++) {
      const agent = await startAgentProcess({ env });
      agents.push(agent);
      cleanups.push(() => agent.stop().then(() => undefined));
    }
    caddy = await startCaddy(
      agents.map((a) => `127.0.0.1:${a.port}`),
      httpsPort,
    );
  });

  const served = (agent: AgentProcess, callId: string) =>
    agent.logs.filter((l) => l.includes(`"${callId}"`)).length;

  test('Caddy spreads calls over every replica', async () => {
    for (let i = 0; i < 6; i++) await fetchSwml(caddy, agents[0]!, `call-spread-${i}`);
    const starts = (agent: AgentProcess) =>
      agent.logs.filter((l) => l.includes('"call_start"') && l.includes('call-spread-')).length;
    // Log lines arrive through pipes, possibly after the response: wait for them (bounded).
    for (let i = 0; i < 100 && agents.some((a) => starts(a) === 0); i++) await sleep(50);
    for (const [i, agent] of agents.entries()) {
      assert.ok(starts(agent) >= 1, `replica ${i} served no call (round robin across 3 upstreams)`);
    }
  });

  test("webhook URLs come from Caddy's forwarding headers, never from the client's", async () => {
    const ai = await fetchSwml(caddy, agents[0]!, 'call-forwarded', {
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '203.0.113.9',
    });
    for (const raw of [ai.SWAIG.defaults.web_hook_url, ai.post_prompt_url, toolUrl(ai, 'transfer_funds')]) {
      assert.equal(new URL(raw).origin, base);
    }
  });

  test('every replica accepts a token another replica minted, directly and through Caddy', async () => {
    const callId = 'call-cross-replica';
    const ai = await fetchSwml(caddy, agents[0]!, callId);
    const url = new URL(toolUrl(ai, 'transfer_funds'));
    // Log lines arrive through pipes, possibly after the response.
    await eventually('the minting replica logged the call', () => agents.some((a) => served(a, callId) > 0));
    const minter = agents.findIndex((a) => served(a, callId) > 0);
    assert.ok(minter >= 0, 'one replica served the SWML');
    for (const agent of agents) {
      const direct = new URL(`${agent.baseUrl}/swaig${url.search}`);
      direct.username = url.username;
      direct.password = url.password;
      // A caller per call: the per-caller limit (3 here) is not what this test is about.
      const res = await send(direct, 'POST', {
        body: transferBody(callId, `+1555000020${agents.indexOf(agent)}`),
      });
      assert.equal(res.status, 200, `replica on ${agent.port}: ${res.text}`);
      assert.deepEqual(res.json(), { response: TRANSFERRED });
    }
    for (let i = 0; i < 3; i++) {
      const res = await send(url, 'POST', { ca: caddy.ca, body: transferBody(callId, `+155500003${i}0`) });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json(), { response: TRANSFERRED });
    }
  });

  test('per-caller limits are shared: the 4th call of a caller in a minute is refused, whichever replica', async () => {
    const callId = 'call-shared-limit';
    const caller = '+15550001111';
    const swaig = withAuth(`${base}/swaig`, agents[0]!);
    const replies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await send(swaig, 'POST', {
        ca: caddy.ca,
        body: { function: 'get_balance', call_id: callId, caller_id_num: caller, argument: { parsed: [{}] } },
      });
      assert.equal(res.status, 200, res.text);
      replies.push(String(res.json().response));
    }
    assert.deepEqual(
      replies.slice(0, 3).map((r) => r === LIMITED),
      [false, false, false],
      replies.join(' | '),
    );
    assert.equal(
      replies[3],
      LIMITED,
      'a memory store per replica would have allowed it (round robin: 2+1+1)',
    );
    await eventually(
      'the calls were spread over replicas',
      () => agents.filter((a) => served(a, callId) > 0).length >= 2,
    );
  });

  test('Prometheus scrapes every replica on its internal port, and their counters add up', async () => {
    const promBin = requireBinary('prometheus');
    const promDir = mkdtempSync(join(tmpdir(), 'swml-prom-'));
    const promPort = await freePort();
    const targets = agents.map((a) => `'127.0.0.1:${a.metricsPort}'`).join(', ');
    writeFileSync(
      join(promDir, 'prometheus.yml'),
      `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: swml-agent\n    static_configs: [{ targets: [${targets}] }]\n`,
    );
    const prom = spawn(
      promBin,
      [
        `--config.file=${join(promDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(promDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    );
    const promExited = new Promise((r) => prom.once('exit', r));
    cleanups.push(async () => {
      if (prom.exitCode === null) {
        prom.kill('SIGTERM');
        await promExited;
      }
      rmSync(promDir, { recursive: true, force: true });
    });
    const query = async (q: string): Promise<string | undefined> => {
      try {
        const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
        const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
        return body.data?.result?.[0]?.value[1];
      } catch {
        return undefined;
      }
    };
    // The calls so far: 3 direct + 3 through Caddy in the cross-replica test, all ok (see above).
    const q = 'sum(swml_function_calls_total{job="swml-agent",function="transfer_funds",outcome="ok"})';
    let up: string | undefined;
    let sum: string | undefined;
    for (let i = 0; i < 150 && (up !== '3' || sum === undefined); i++) {
      up = await query('count(up{job="swml-agent"} == 1)');
      sum = await query(q);
      await sleep(100);
    }
    assert.equal(up, '3', 'all three replicas scraped');
    assert.equal(sum, '6', 'transfer_funds successes summed over the replicas');
  });

  test("a post_prompt on one replica revokes the call's tokens on every replica", async () => {
    const callId = 'call-revoked';
    const ai = await fetchSwml(caddy, agents[0]!, callId);
    const tool = new URL(toolUrl(ai, 'transfer_funds'));
    const end = new URL(ai.post_prompt_url);
    const first = agents[0]!;
    const direct = (agent: AgentProcess, url: URL, path: string) => {
      const u = new URL(`${agent.baseUrl}${path}${url.search}`);
      u.username = url.username;
      u.password = url.password;
      return u;
    };
    const ended = await send(direct(first, end, '/post_prompt'), 'POST', {
      body: { action: 'post_conversation', call_id: callId, post_prompt_data: { raw: '{"summary":"done"}' } },
    });
    assert.equal(ended.status, 200, ended.text);
    for (const agent of agents.slice(1)) {
      const res = await send(direct(agent, tool, '/swaig'), 'POST', { body: transferBody(callId) });
      assert.equal(res.status, 403, `replica on ${agent.port} still accepted a revoked token`);
    }
    const viaCaddy = await send(tool, 'POST', { ca: caddy.ca, body: transferBody(callId) });
    assert.equal(viaCaddy.status, 403);
  });
});
