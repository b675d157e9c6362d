// Two app instances on one real Redis (redis-server on 127.0.0.1): shared limits, revocations, emergency
// switch; then Redis stopped: each path behaves as docs/security.md says, and says so in the log.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import request from 'supertest';
import { freePort } from '../helpers/agent-process.js';
import { ADMIN_TOKEN, PASSWORD, TOKEN_SECRET, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';
import { requireBinary } from '../helpers/binaries.js';
import { scrape } from '../helpers/metrics.js';

const REDIS_PASSWORD = 'redis-pass-0123456789-abcdefghijkl';
const BLOCKED = { response: 'This service is temporarily unavailable.' };
const LIMITED = { response: "You've made too many requests. Please wait a moment." };
const TRANSFER = { amount: 5, to_account: '1234567890' };
type Made = ReturnType<typeof testApp>;

let binary = '';
let port = 0;
let url = '';
let server: ChildProcess | undefined;
let admin: Redis | undefined;
const apps: Made[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds, for at most `ms` (bounded: fails with `what` instead of hanging). */
async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`timed out after ${ms} ms waiting for: ${what}`);
}

async function startRedis(): Promise<void> {
  server = spawn(
    binary,
    [
      '--port',
      String(port),
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
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await eventually('redis-server answers PING', async () => {
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    });
  } finally {
    probe.disconnect();
  }
}

async function stopRedis(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** An app on the shared Redis, with its state read from Redis before it is used. */
async function replica(env: Record<string, string> = {}): Promise<Made> {
  const made = testApp({ env: { REDIS_URL: url, ...env } });
  apps.push(made);
  const ready = made.app.guard.runtime.state.ready?.();
  assert.ok(ready, 'the Redis state exposes ready()');
  await Promise.race([ready, sleep(8000).then(() => assert.fail('state not synced from Redis in 8 s'))]);
  return made;
}

async function startCall(made: Made, callId: string) {
  const res = await request(made.app)
    .post('/')
    .auth(USER, PASSWORD)
    .send({ call: { call_id: callId, from: '+15557654321' } });
  return res.body as unknown;
}

function secureCall(made: Made, swml: unknown, callId: string) {
  return request(made.app)
    .post(tokenFor(swml, 'transfer_funds').path)
    .auth(USER, PASSWORD)
    .send(swaigBody('transfer_funds', TRANSFER, { call_id: callId }));
}

before(async () => {
  binary = requireBinary('redis-server');
  port = await freePort();
  url = `redis://:${REDIS_PASSWORD}@127.0.0.1:${port}`;
  await startRedis();
  admin = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 200 });
  admin.on('error', () => undefined);
  await eventually('admin client ready', () => admin?.status === 'ready');
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((m) => m.app.guard.close()));
  if (admin?.status === 'ready') await admin.flushall();
});

after(async () => {
  await Promise.all(apps.splice(0).map((m) => m.app.guard.close()));
  admin?.disconnect();
  await stopRedis();
});

describe('two replicas on one Redis', () => {
  it('share the per-IP limit, the failed-auth limit, the per-caller limit and the call limits', async () => {
    const env = {
      SWML_RATE_LIMIT: '6',
      SWML_AUTH_FAILURE_LIMIT: '2',
      SWML_CALLER_FUNCTION_LIMIT: '1',
      SWML_CALLER_CALL_LIMIT: '1',
    };
    const a = await replica(env);
    const b = await replica(env);
    const balance = (m: Made) =>
      request(m.app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('get_balance'));
    assert.deepEqual((await balance(a)).body, { response: 'Your balance is $150.00' });
    assert.deepEqual((await balance(b)).body, LIMITED, 'A`s tool call counts on B');

    const swml = (m: Made) =>
      request(m.app)
        .post('/')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: 'c-shared', from: '+15550001234' } });
    assert.ok(JSON.stringify((await swml(a)).body).includes('"ai"'));
    assert.ok(!JSON.stringify((await swml(b)).body).includes('"ai"'), 'A`s call counts on B');

    assert.equal((await request(a.app).get('/').auth(USER, 'wrong-1')).status, 401);
    assert.equal((await request(b.app).get('/').auth(USER, 'wrong-2')).status, 401);
    assert.equal((await request(a.app).get('/').auth(USER, PASSWORD)).status, 429, 'B`s failure counts on A');

    // Six requests so far from 127.0.0.1 across both replicas: the seventh is over the IP limit.
    const seventh = await request(b.app)
      .get('/health')
      .then(() => request(b.app).get('/').auth(USER, PASSWORD));
    assert.equal(seventh.status, 429);
    assert.match(seventh.headers.ratelimit ?? '', /^"ip"; r=0; t=\d+$/);
    assert.ok(Number(seventh.headers['retry-after']) > 0);
    assert.ok((await admin!.keys('swml:rl:*')).length >= 4, 'the counters live in Redis');
  });

  it('share a revocation: post_prompt on A ends the call`s tokens on B', async () => {
    const a = await replica();
    const b = await replica();
    const swml = await startCall(a, 'c-revoke');
    assert.equal((await secureCall(b, swml, 'c-revoke')).status, 200, 'B accepts A`s token');
    const pp = new URL(
      (swml as { sections: { main: [unknown, { ai: { post_prompt_url: string } }] } }).sections.main[1].ai
        .post_prompt_url,
    );
    const end = await request(a.app)
      .post(`${pp.pathname}${pp.search}`)
      .auth(USER, PASSWORD)
      .send({ action: 'post_conversation', call_id: 'c-revoke', post_prompt_data: { raw: 'done' } });
    assert.equal(end.status, 200);
    assert.equal(await admin!.exists('swml:revoked:c-revoke'), 1);
    const ttl = await admin!.ttl('swml:revoked:c-revoke');
    assert.ok(ttl > 14_300 && ttl <= 14_400, `revocation expires with the token TTL (${ttl})`);

    assert.equal((await secureCall(b, swml, 'c-revoke')).status, 403);
    const [rejected] = b.logs.audit('security').filter((e) => e.type === 'token_rejected');
    assert.equal(rejected?.reason, 'revoked');
    assert.equal(rejected?.call_id, 'c-revoke');
  });

  it('bind a GET-started call once for every replica: two first uses on A and B, one call wins', async () => {
    const a = await replica({ SWML_CALLER_FUNCTION_LIMIT: '1000' });
    const b = await replica({ SWML_CALLER_FUNCTION_LIMIT: '1000' });
    const swml = (await request(a.app).get('/').auth(USER, PASSWORD)).body as unknown;
    const session = String(a.logs.audit('call_start').at(-1)?.session_id);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        secureCall(i % 2 ? b : a, swml, `c-get-${i}`).then((r) => r.status),
      ),
    );
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
    const bound = await admin!.get(`swml:session:${session}`);
    assert.match(String(bound), /^c-get-[0-5]$/);
    const ttl = await admin!.ttl(`swml:session:${session}`);
    assert.ok(ttl > 14_300 && ttl <= 14_400, `the binding lasts as long as the tokens (${ttl})`);
    assert.equal((await secureCall(b, swml, String(bound))).status, 200, 'B honours the binding made on A');
  });

  it('share the emergency switch: admin on A, B blocks within a poll; a new replica adopts it', async () => {
    const a = await replica();
    const b = await replica();
    const swml = await startCall(b, 'c-emergency');
    assert.equal((await secureCall(b, swml, 'c-emergency')).status, 200);

    const res = await request(a.app.guard.internal)
      .post('/admin/emergency')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ level: 'secure', reason: 'stack test' });
    assert.equal(res.status, 200);
    await eventually('B sees level secure', () => b.app.guard.runtime.state.emergency.level() === 'secure');
    assert.deepEqual((await secureCall(b, swml, 'c-emergency')).body, BLOCKED);
    const gauge = await request(b.app.guard.internal).get('/metrics');
    assert.match(gauge.text, /^swml_emergency_mode\{level="secure"\} 1$/m, 'B`s gauge follows');
    assert.equal(await admin!.get('swml:emergency:level'), 'secure');

    const off = await request(b.app.guard.internal)
      .post('/admin/functions/get_balance')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ enabled: false });
    assert.equal(off.status, 200);
    await eventually('A sees get_balance disabled', () =>
      a.app.guard.runtime.state.emergency.isDisabled('get_balance'),
    );

    const c = await replica({ AGENT_EMERGENCY_MODE: 'false' });
    assert.equal(c.app.guard.runtime.state.emergency.level(), 'secure', 'Redis beats the environment');
    assert.deepEqual(c.app.guard.runtime.state.emergency.disabledFunctions(), ['get_balance']);
    assert.equal(a.logs.audit('emergency_mode_changed').length, 1, 'audited where it was made');
  });

  it('the first replica seeds Redis from AGENT_EMERGENCY_MODE and AGENT_DISABLED_FUNCTIONS', async () => {
    assert.equal(await admin!.exists('swml:emergency:level'), 0);
    const a = await replica({ AGENT_EMERGENCY_MODE: 'all', AGENT_DISABLED_FUNCTIONS: 'delete_account' });
    assert.equal(a.app.guard.runtime.state.emergency.level(), 'all');
    assert.equal(await admin!.get('swml:emergency:level'), 'all');
    assert.deepEqual(await admin!.smembers('swml:emergency:disabled'), ['delete_account']);
  });
});

describe('Redis down', () => {
  it('limits fail open, secure tools are refused (403), the emergency level is kept, and the log names each path', async () => {
    const env = {
      SWML_RATE_LIMIT: '2',
      SWML_AUTH_FAILURE_LIMIT: '1',
      SWML_CALLER_FUNCTION_LIMIT: '1',
      SWML_CALLER_CALL_LIMIT: '1',
      SWML_CALL_RATE_LIMIT: '1',
    };
    const a = await replica(env);
    const b = await replica(env);
    const swml = await startCall(a, 'c-down');
    const setSecure = await request(b.app.guard.internal)
      .post('/admin/functions/delete_account')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ enabled: false });
    assert.equal(setSecure.status, 200);
    await eventually('A sees delete_account disabled', () =>
      a.app.guard.runtime.state.emergency.isDisabled('delete_account'),
    );

    await stopRedis();
    await eventually('A notices the outage', () => a.logs.lines.some((l) => l.includes('Redis unavailable')));

    // Limits fail open: far over every limit, still served.
    for (let i = 0; i < 4; i++) {
      const res = await request(a.app)
        .post('/')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: `d${i}`, from: '+15550009999' } });
      assert.equal(res.status, 200);
      assert.ok(JSON.stringify(res.body).includes('"ai"'), 'call limits fail open');
    }
    for (let i = 0; i < 3; i++) {
      const res = await request(a.app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('get_balance'));
      assert.deepEqual(res.body, { response: 'Your balance is $150.00' }, 'caller limit fails open');
    }
    assert.equal((await request(a.app).get('/').auth(USER, 'wrong')).status, 401);
    assert.equal((await request(a.app).get('/').auth(USER, 'wrong')).status, 401);
    assert.equal(
      (await request(a.app).get('/').auth(USER, PASSWORD)).status,
      200,
      'auth-failure limit fails open',
    );

    // Revocations cannot be checked: secure tools are refused, with the reason in the audit log.
    const secure = await secureCall(a, swml, 'c-down');
    assert.equal(secure.status, 403);
    const [refusal] = a.logs.audit('security').filter((e) => e.type === 'token_rejected');
    assert.equal(refusal?.reason, 'revocation_unavailable');

    // The emergency state keeps its last known value; a switch still works on this replica (202).
    assert.equal(a.app.guard.runtime.state.emergency.isDisabled('delete_account'), true);
    const sw = await request(a.app.guard.internal)
      .post('/admin/emergency')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ level: 'secure', reason: 'during outage' });
    assert.equal(sw.status, 202);
    assert.equal(sw.body.shared, false);
    assert.equal(a.app.guard.runtime.state.emergency.level(), 'secure');
    const [change] = a.logs.audit('emergency_mode_changed');
    assert.equal(change?.shared, false);

    // One clear line per path, naming the decision; no secret in any of them.
    const outage = a.logs.records.filter((r) => r.shared_state === 'unavailable');
    const paths = new Set(outage.map((r) => r.path).filter(Boolean));
    for (const path of [
      'ip_limit',
      'auth_limit',
      'auth_limit_record',
      'caller_limit',
      'call_limit',
      'revocation_check',
      'emergency_write',
    ]) {
      assert.ok(paths.has(path), `a log line for ${path}: ${[...paths].join(', ')}`);
    }
    const ipLines = outage.filter((r) => r.path === 'ip_limit');
    assert.equal(ipLines.length, 1, 'throttled: one line per path, not one per request');
    assert.match(String(ipLines[0]?.msg), /fail open/);
    assert.match(String(outage.find((r) => r.path === 'revocation_check')?.msg), /fail closed/);
    for (const line of [...a.logs.lines, ...b.logs.lines]) {
      for (const secret of [REDIS_PASSWORD, PASSWORD, TOKEN_SECRET, ADMIN_TOKEN]) {
        assert.ok(!line.includes(secret), `secret in: ${line}`);
      }
    }

    // Redis back (empty: no persistence): no restart needed; the switch made during the outage wins.
    await startRedis();
    await eventually(
      'the pending switch reaches Redis and B',
      () => b.app.guard.runtime.state.emergency.level() === 'secure',
      15_000,
    );
    assert.ok(a.logs.lines.some((l) => l.includes('Redis connection restored')));
    // The token check works again (the call is not revoked), then the level set during the outage blocks.
    assert.deepEqual((await secureCall(b, swml, 'c-down')).body, BLOCKED);
    // The IP limit holds again (2 per minute; the counters start over in the empty Redis).
    assert.equal((await request(b.app).get('/').auth(USER, PASSWORD)).status, 200);
    assert.equal((await request(a.app).get('/').auth(USER, PASSWORD)).status, 429);
  });

  it('swml_shared_state_up follows the Redis connection: 1 connected, 0 down, 1 back (SharedStateDown)', async () => {
    const a = await replica();
    const up = async () => (await scrape(a.app)).get('swml_shared_state_up{backend="redis"}');
    assert.equal(await up(), 1);
    await stopRedis();
    await eventually('the metric drops to 0', async () => (await up()) === 0);
    await startRedis();
    await eventually('the metric is back to 1', async () => (await up()) === 1, 15_000);
  });

  it('a replica started while Redis is down fails open, then enforces limits once Redis is up (no restart)', async () => {
    await stopRedis();
    const made = testApp({ env: { REDIS_URL: url, SWML_RATE_LIMIT: '2', AGENT_EMERGENCY_MODE: 'true' } });
    apps.push(made);
    for (let i = 0; i < 4; i++)
      assert.equal((await request(made.app).get('/').auth(USER, PASSWORD)).status, 200);
    assert.equal(
      made.app.guard.runtime.state.emergency.level(),
      'secure',
      'the environment until Redis answers',
    );
    await startRedis();
    const ready = made.app.guard.runtime.state.ready?.();
    await Promise.race([ready, sleep(15_000).then(() => assert.fail('no sync within 15 s'))]);
    assert.equal(await admin!.get('swml:emergency:level'), 'secure', 'seeded from the environment');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(made.app).get('/').auth(USER, PASSWORD)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
  });
});
