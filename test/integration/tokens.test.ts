import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { functionTokens } from '../../src/security/function-token.js';
import type { GuardApp } from '../../src/http/app.js';
import { PASSWORD, TOKEN_SECRET, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';

const FN = 'transfer_funds';
const ARGS = { amount: 5, to_account: '0123456789' };
const OTHER_SECRET = 'another-secret-0123456789-abcdefghijklmnopqrst';

/** The value of one series of a counter on the app's own registry. */
async function counter(app: GuardApp, name: string, labels: Record<string, string>): Promise<number> {
  const metric = app.guard.runtime.metrics.registry.getSingleMetric(name);
  assert.ok(metric, `metric ${name} exists`);
  const { values } = await metric.get();
  const hit = values.find((v) =>
    Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val),
  );
  return hit?.value ?? 0;
}

async function startCall(app: GuardApp, callId: string): Promise<unknown> {
  const res = await request(app)
    .post('/')
    .auth(USER, PASSWORD)
    .send({ call: { call_id: callId } })
    .expect(200);
  return res.body;
}

function postPromptPath(swml: unknown): string {
  const url = (swml as { sections: { main: [unknown, { ai: { post_prompt_url: string } }] } }).sections
    .main[1].ai.post_prompt_url;
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Headers that legitimately change between two requests (clock, request id, the IP limiter's count). */
const VOLATILE = new Set(['date', 'x-request-id', 'ratelimit', 'ratelimit-policy', 'content-length']);
function stableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !VOLATILE.has(k)));
}

describe('function tokens over HTTP: one uniform 403, the real reason in metrics and audit', () => {
  const { app, logs } = testApp({ env: { SWML_RATE_LIMIT: '100000', SWML_CALLER_FUNCTION_LIMIT: '100000' } });

  it('every failure is 403 {"error":"forbidden"}, identical; the reason is only in metrics and the audit log', async () => {
    const swmlA = await startCall(app, 'call-A');
    const swmlB = await startCall(app, 'call-B');
    const tokenA = tokenFor(swmlA, FN).token;
    const tokenB = tokenFor(swmlB, FN).token;
    const deleteA = tokenFor(swmlA, 'delete_account').token;
    const [kid, payload, mac = ''] = tokenA.split('.');
    const flipped = `${kid}.${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    const foreign = functionTokens({ secret: OTHER_SECRET, ttlSeconds: 600 }).mint(FN, 'call-A');
    const stale = functionTokens({
      secret: TOKEN_SECRET,
      ttlSeconds: 60,
      now: () => Date.now() - 3_600_000,
    }).mint(FN, 'call-A');
    const bodyA = swaigBody(FN, ARGS, { call_id: 'call-A' });
    const noCall = swaigBody(FN, ARGS);
    delete noCall.call_id;

    const cases: [string, string, Record<string, unknown>][] = [
      ['missing', '/swaig', bodyA],
      ['missing', '/swaig?__token=', bodyA],
      ['malformed', '/swaig?__token=not-a-token', bodyA],
      ['malformed', `/swaig?__token=${tokenA}&__token=${tokenA}`, bodyA],
      ['malformed', `/swaig?token=${tokenA}&token=x`, bodyA],
      ['malformed', `/swaig?__token=${tokenA}x!`, bodyA],
      ['invalid', `/swaig?__token=${flipped}`, bodyA],
      ['unknown_key', `/swaig?__token=${foreign}`, bodyA],
      ['expired', `/swaig?__token=${stale}`, bodyA],
      ['wrong_function', `/swaig?__token=${deleteA}`, bodyA],
      ['wrong_call', `/swaig?__token=${tokenB}`, bodyA],
      ['wrong_call', `/swaig?__token=${tokenA}`, noCall],
      ['wrong_call', `/swaig?__token=${tokenA}`, { ...bodyA, call_id: '' }],
    ];
    let first: { text: string; headers: Record<string, string> } | undefined;
    for (const [reason, path, body] of cases) {
      const label = `${reason} via ${path.slice(0, 40)}`;
      const failures = await counter(app, 'swml_auth_failures_total', { layer: 'token', reason });
      const denied = await counter(app, 'swml_function_calls_total', { function: FN, outcome: 'denied' });
      const ok = await counter(app, 'swml_function_calls_total', { function: FN, outcome: 'ok' });
      const before = logs.audit('security').length;

      const res = await request(app).post(path).auth(USER, PASSWORD).send(body);
      assert.equal(res.status, 403, label);
      assert.equal(res.text, '{"error":"forbidden"}', label);
      const headers = stableHeaders(res.headers);
      first ??= { text: res.text, headers };
      assert.deepEqual({ text: res.text, headers }, first, `${label}: same answer as every other failure`);
      for (const text of [res.text, JSON.stringify(res.headers)]) {
        for (const word of ['missing', 'malformed', 'expired', 'wrong', 'unknown', 'invalid', 'revoked'])
          assert.ok(!text.includes(word), `${label}: the answer does not say "${word}"`);
      }

      assert.equal(
        await counter(app, 'swml_auth_failures_total', { layer: 'token', reason }),
        failures + 1,
        `${label}: counted under its reason`,
      );
      assert.equal(
        await counter(app, 'swml_function_calls_total', { function: FN, outcome: 'denied' }),
        denied + 1,
        `${label}: one denied call`,
      );
      assert.equal(await counter(app, 'swml_function_calls_total', { function: FN, outcome: 'ok' }), ok);
      // Repeated refusals of one kind (reason) from one client are aggregated: at most one line each,
      // and the first refusal of each reason is written in full.
      const lines = logs.audit('security').slice(before);
      assert.ok(lines.length <= 1, `${label}: at most one security line`);
      const firsts = logs.audit('security').filter((e) => e.type === 'token_rejected' && !e.summary);
      assert.ok(
        firsts.some((e) => e.reason === reason && e.function === FN),
        `${label}: a token_rejected line for its reason`,
      );
    }
  });

  it('the handler never ran for a refused call', () => {
    assert.equal(logs.audit('function_call').filter((r) => r.function === FN).length, 0);
  });

  it('no token on each secure tool of the demo is 403', async () => {
    for (const fn of ['transfer_funds', 'change_password', 'delete_account']) {
      const res = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody(fn, {}));
      assert.equal(res.status, 403, fn);
      assert.deepEqual(res.body, { error: 'forbidden' });
    }
  });
});

describe('function tokens over HTTP: what is accepted', () => {
  const { app } = testApp();

  it('the minted `__token` works, and so does the same token as `token`', async () => {
    const swml = await startCall(app, 'call-ok');
    const { path, token } = tokenFor(swml, FN);
    const body = swaigBody(FN, ARGS, { call_id: 'call-ok' });
    const res = await request(app).post(path).auth(USER, PASSWORD).send(body).expect(200);
    assert.match((res.body as { response: string }).response, /^Transferred \$5/);
    await request(app).post(`/swaig?token=${token}`).auth(USER, PASSWORD).send(body).expect(200);
  });

  it('a non-secure tool ignores a bad, foreign or missing token', async () => {
    const failures = await counter(app, 'swml_auth_failures_total', { layer: 'token', reason: 'malformed' });
    for (const path of [
      '/swaig',
      '/swaig?__token=junk',
      '/swaig?__token=a&__token=b',
      '/swaig?token=x.y.z',
    ]) {
      const res = await request(app).post(path).auth(USER, PASSWORD).send(swaigBody('get_balance'));
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.body, { response: 'Your balance is $150.00' });
    }
    assert.equal(
      await counter(app, 'swml_auth_failures_total', { layer: 'token', reason: 'malformed' }),
      failures,
    );
  });
});

describe('function tokens over HTTP: the end of a call and replays', () => {
  const { app, logs } = testApp();

  it('post_prompt (with its own token) revokes the call: the transfer token is then 403 revoked', async () => {
    const swml = await startCall(app, 'call-end');
    const transfer = tokenFor(swml, FN).path;
    const body = swaigBody(FN, ARGS, { call_id: 'call-end' });
    await request(app).post(transfer).auth(USER, PASSWORD).send(body).expect(200);

    const prompt = postPromptPath(swml);
    assert.match(prompt, /^\/post_prompt\?__token=/);
    const summary = {
      action: 'post_conversation',
      call_id: 'call-end',
      post_prompt_data: { parsed: [{ intent: 'transfer', resolved: true }] },
    };
    // post_prompt is refused without its token, and with a tool's token.
    await request(app).post('/post_prompt').auth(USER, PASSWORD).send(summary).expect(403);
    await request(app)
      .post(transfer.replace('/swaig', '/post_prompt'))
      .auth(USER, PASSWORD)
      .send(summary)
      .expect(403);
    await request(app).post(prompt).auth(USER, PASSWORD).send(summary).expect(200, { status: 'ok' });
    assert.equal(logs.audit('call_end').at(-1)?.tokens_revoked, true);

    const revoked = await counter(app, 'swml_auth_failures_total', { layer: 'token', reason: 'revoked' });
    const res = await request(app).post(transfer).auth(USER, PASSWORD).send(body);
    assert.equal(res.status, 403);
    assert.equal(res.text, '{"error":"forbidden"}');
    assert.equal(
      await counter(app, 'swml_auth_failures_total', { layer: 'token', reason: 'revoked' }),
      revoked + 1,
    );
    assert.equal(logs.audit('security').at(-1)?.reason, 'revoked');
    // The post_prompt token itself is spent too: a replayed summary is refused.
    await request(app).post(prompt).auth(USER, PASSWORD).send(summary).expect(403);
    assert.equal(logs.audit('security').at(-1)?.reason, 'revoked');
  });

  it('revocation is per call: another call keeps working', async () => {
    const swml = await startCall(app, 'call-alive');
    await request(app)
      .post(tokenFor(swml, FN).path)
      .auth(USER, PASSWORD)
      .send(swaigBody(FN, ARGS, { call_id: 'call-alive' }))
      .expect(200);
  });

  it("a token taken from call A and replayed in call B's body is 403 wrong_call", async () => {
    const swmlA = await startCall(app, 'call-A');
    await startCall(app, 'call-B');
    const stolen = tokenFor(swmlA, FN).path;
    const res = await request(app)
      .post(stolen)
      .auth(USER, PASSWORD)
      .send(swaigBody(FN, ARGS, { call_id: 'call-B' }));
    assert.equal(res.status, 403);
    assert.equal(res.text, '{"error":"forbidden"}');
    assert.equal(logs.audit('security').at(-1)?.reason, 'wrong_call');
  });

  it('without a call_id in the SWML request, tokens are bound to a session, then to the first call that uses it', async () => {
    const swml = await startCall(app, '');
    const { path, token } = tokenFor(swml, FN);
    const [, payload = ''] = token.split('.');
    const subject = Buffer.from(payload, 'base64url').toString('utf8').split('\n')[1] ?? '';
    assert.match(subject, /^~[\w-]{22}$/, 'a session subject, never a call id we made up');
    const noCallId = swaigBody(FN, ARGS, { call_id: undefined });
    await request(app).post(path).auth(USER, PASSWORD).send(noCallId).expect(403);
    await request(app)
      .post(path)
      .auth(USER, PASSWORD)
      .send(swaigBody(FN, ARGS, { call_id: 'sw-first' }))
      .expect(200);
    await request(app)
      .post(path)
      .auth(USER, PASSWORD)
      .send(swaigBody(FN, ARGS, { call_id: 'sw-second' }))
      .expect(403);
  });
});
