// An ended call stays ended: after the agent restarts (file store, clean stop and kill -9), after Redis restarts
// (appendonly), and when Redis is down at post_prompt (queued, then written). Before, a restart moved money again.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { eventually, runToExit, startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import { PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';
import { TRANSFERRED, aiOf, callBody, send, toolUrl, transferBody, withAuth } from '../helpers/edge.js';
import { redisServer } from '../helpers/redis-server.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-revocations-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A call on a real agent: its SWML (tokens), a money-moving tool call, and the post_prompt that ends it. */
async function startCall(agent: AgentProcess, callId: string) {
  const swml = await send(withAuth(`${agent.baseUrl}/`, agent), 'POST', { body: callBody(callId) });
  assert.equal(swml.status, 200, swml.text);
  const ai = aiOf(swml.json());
  const transfer = () =>
    send(withAuth(`${agent.baseUrl}${pathOf(toolUrl(ai, 'transfer_funds'))}`, agent), 'POST', {
      body: transferBody(callId),
    });
  const end = () =>
    send(withAuth(`${agent.baseUrl}${pathOf(ai.post_prompt_url)}`, agent), 'POST', {
      body: { action: 'post_conversation', call_id: callId, post_prompt_data: { raw: 'done' } },
    });
  return { ai, transfer, end };
}
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** The agent again, on the same ports (the URLs in its SWML stay valid) and the same state folder. */
const restart = (env: Record<string, string>, old: AgentProcess) =>
  startAgentProcess({ env: { ...env, PORT: String(old.port), METRICS_PORT: String(old.metricsPort) } });

describe('file store (SWML_STATE_DIR): an ended call stays ended across agent restarts', () => {
  it('clean restart (SIGTERM) and crash (SIGKILL right after post_prompt answered)', async () => {
    const env = { NODE_ENV: 'production', SWML_STATE_DIR: join(tmp, 'state') };
    let agent = await startAgentProcess({ env });
    try {
      const ended = await startCall(agent, 'call-ended-1');
      const open = await startCall(agent, 'call-still-open');
      assert.match((await ended.transfer()).text, new RegExp(TRANSFERRED.replace('$', '\\$')));
      assert.equal((await ended.end()).status, 200);
      assert.equal((await ended.transfer()).status, 403, 'refused once the call ended');

      await agent.stop('SIGTERM');
      agent = await restart(env, agent);
      const replay = await ended.transfer();
      assert.equal(
        replay.status,
        403,
        'after a restart the ended call is still ended (money moved here before)',
      );
      assert.equal((await open.transfer()).status, 200, 'a call that did not end keeps working');

      const crashed = await startCall(agent, 'call-ended-2');
      assert.equal((await crashed.end()).status, 200);
      await agent.stop('SIGKILL');
      agent = await restart(env, agent);
      assert.equal((await crashed.transfer()).status, 403, 'written before post_prompt answered');
      assert.ok(
        agent.logs.some((l) => l.includes('"revocations_loaded":2')),
        agent.logs.join('\n'),
      );
    } finally {
      await agent.stop();
    }
  });

  it('a torn last line (crash mid-write) is skipped; the rest still counts', async () => {
    const dir = join(tmp, 'torn');
    const env = { SWML_STATE_DIR: dir };
    let agent = await startAgentProcess({ env });
    const ended = await startCall(agent, 'call-torn');
    assert.equal((await ended.end()).status, 200);
    await agent.stop('SIGKILL');
    writeFileSync(join(dir, 'revocations.log'), '99999999999 half-writ', { flag: 'a' });
    agent = await restart(env, agent);
    try {
      assert.equal((await ended.transfer()).status, 403);
    } finally {
      await agent.stop();
    }
  });
});

describe('where revocations cannot be kept, production does not start', () => {
  const exitOf = (env: Record<string, string>) =>
    runToExit({
      NODE_ENV: 'production',
      SWML_BASIC_AUTH_PASSWORD: PASSWORD,
      SWML_TOKEN_SECRET: 'prod-token-secret-0123456789-abcdefghij',
      ...env,
    });

  it('no REDIS_URL and no SWML_STATE_DIR: exit 78, one line naming both', async () => {
    const r = await exitOf({});
    assert.equal(r.code, 78, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^swml-guard: ERR_SWML_STATE_DIR: NODE_ENV=production without REDIS_URL requires SWML_STATE_DIR/,
    );
  });

  it('an SWML_STATE_DIR that cannot be written: exit 78, the folder and the error code named', async () => {
    const file = join(tmp, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await exitOf({ SWML_STATE_DIR: file });
    assert.equal(r.code, 78, r.stderr);
    assert.match(
      r.stderr,
      /^swml-guard: ERR_SWML_STATE_DIR: SWML_STATE_DIR ".*not-a-folder" cannot hold the revocations file \(E[A-Z]+\)/,
    );
    assert.ok(!r.stderr.includes(PASSWORD));
  });
});

describe('Redis (appendonly, as the compose scale profile runs it)', () => {
  const TRANSFER = { amount: 5, to_account: '1234567890' };

  async function replica(url: string) {
    const made = testApp({ env: { REDIS_URL: url } });
    await made.app.guard.runtime.state.ready?.();
    return made;
  }
  async function call(made: ReturnType<typeof testApp>, callId: string) {
    const res = await request(made.app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: callId } });
    return res.body as unknown;
  }
  const transfer = (made: ReturnType<typeof testApp>, swml: unknown, callId: string) =>
    request(made.app)
      .post(tokenFor(swml, 'transfer_funds').path)
      .auth(USER, PASSWORD)
      .send(swaigBody('transfer_funds', TRANSFER, { call_id: callId }));
  const end = (made: ReturnType<typeof testApp>, swml: unknown, callId: string) =>
    request(made.app)
      .post(pathOf(aiOf(swml as Record<string, unknown>).post_prompt_url))
      .auth(USER, PASSWORD)
      .send({ action: 'post_conversation', call_id: callId, post_prompt_data: { raw: 'done' } });

  it('a revocation survives a Redis restart and the agent`s, and lasts until the token`s own expiry', async (t) => {
    const redis = await redisServer({ persistent: true });
    t.after(() => redis.dispose());
    await redis.start();
    const a = await replica(redis.url);
    const swml = await call(a, 'call-redis-restart');
    assert.equal((await transfer(a, swml, 'call-redis-restart')).status, 200);
    assert.equal((await end(a, swml, 'call-redis-restart')).status, 200);
    const client = await redis.client();
    const expireAt = await client.expiretime('swml:revoked:call-redis-restart');
    client.disconnect();
    const exp = JSON.parse(
      Buffer.from(tokenFor(swml, 'transfer_funds').token.split('.')[1] ?? '', 'base64url')
        .toString()
        .split('\n')[2] ?? '0',
    ) as number;
    assert.ok(expireAt >= exp, `the key (expires ${expireAt}) outlives the token (expires ${exp})`);
    await a.app.guard.close();

    await redis.stop('SIGTERM');
    await redis.start();
    const b = await replica(redis.url); // a restarted agent: no local copy, Redis only
    t.after(() => b.app.guard.close());
    const replay = await transfer(b, swml, 'call-redis-restart');
    assert.equal(replay.status, 403, 'Redis restarted with its appendonly file: still revoked');
    const [rejected] = b.logs.audit('security').filter((e) => e.type === 'token_rejected');
    assert.equal(rejected?.reason, 'revoked');
  });

  it('Redis down at post_prompt: the call still ends (200), its tools are refused here, the revocation is written when Redis is back', async (t) => {
    const redis = await redisServer({ persistent: true });
    t.after(() => redis.dispose());
    await redis.start();
    const a = await replica(redis.url);
    const b = await replica(redis.url);
    t.after(() => Promise.all([a.app.guard.close(), b.app.guard.close()]));
    const swml = await call(a, 'call-outage');
    assert.equal((await transfer(b, swml, 'call-outage')).status, 200);

    await redis.stop('SIGTERM');
    await eventually('A notices the outage', () => a.logs.lines.some((l) => l.includes('Redis unavailable')));
    const ended = await end(a, swml, 'call-outage');
    assert.equal(ended.status, 200, 'the call ends although Redis is down');
    const [callEnd] = a.logs.audit('call_end');
    assert.equal(callEnd?.revocation, 'queued');
    assert.equal((await transfer(a, swml, 'call-outage')).status, 403, 'refused on this replica at once');
    assert.ok(a.logs.records.some((r) => r.path === 'revocation_write'));

    await redis.start();
    const client = await redis.client();
    t.after(() => client.disconnect());
    const deadline = Date.now() + 15_000;
    while ((await client.exists('swml:revoked:call-outage')) !== 1) {
      assert.ok(Date.now() < deadline, 'the queued revocation never reached Redis');
      await new Promise((r) => setTimeout(r, 100));
    }
    await eventually(
      'B is back on Redis',
      () => b.logs.lines.some((l) => l.includes('Redis connection restored')),
      15_000,
    );
    assert.equal((await transfer(b, swml, 'call-outage')).status, 403, 'the other replica refuses it too');
    const c = await replica(redis.url);
    t.after(() => c.app.guard.close());
    assert.equal((await transfer(c, swml, 'call-outage')).status, 403, 'and a new one');
  });
});
