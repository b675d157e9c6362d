// SWML fetched by GET names no call: its tokens bind to SignalWire's call_id on first use, once, for one call.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { memoryState } from '../../src/state/memory.js';
import type { GuardApp } from '../../src/http/app.js';
import { PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';

type Doc = { sections: { main: [unknown, { ai: { post_prompt_url: string } }] } };
const ARGS = { amount: 5, to_account: '0123456789' };
const ENV = { SWML_CALLER_FUNCTION_LIMIT: '1000', SWML_CALLER_CALL_LIMIT: '1000' };

const getSwml = async (app: GuardApp, path = '/') =>
  (await request(app).get(path).auth(USER, PASSWORD).expect(200)).body as Doc;
const transfer = (app: GuardApp, doc: Doc, callId: string) =>
  request(app)
    .post(tokenFor(doc, 'transfer_funds').path)
    .auth(USER, PASSWORD)
    .send(swaigBody('transfer_funds', ARGS, { call_id: callId }));
const endCall = (app: GuardApp, doc: Doc, callId: string) => {
  const url = new URL(doc.sections.main[1].ai.post_prompt_url);
  return request(app)
    .post(`${url.pathname}${url.search}`)
    .auth(USER, PASSWORD)
    .send({ action: 'post_conversation', call_id: callId });
};

describe('SWML fetched by GET', () => {
  it('says in the call_start line that its tokens bind to the first SWAIG call_id; a POST says call_id', async () => {
    const { app, logs } = testApp({ env: ENV });
    await getSwml(app);
    const [get] = logs.audit('call_start');
    assert.equal(get?.method, 'GET');
    assert.equal(get?.token_binding, 'first_swaig_call_id');
    assert.match(String(get?.session_id), /^~[\w-]{22}$/);
    assert.equal(get?.call_id ?? null, null, 'no call id is invented');
    await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'sw-post' } });
    const post = logs.audit('call_start').at(-1);
    assert.equal(post?.token_binding, 'call_id');
    assert.equal(post?.call_id, 'sw-post');
    assert.equal(post?.session_id, undefined);
  });

  it('secure tools work for the whole call, and the end of the call ends them', async () => {
    const { app, logs } = testApp({ env: ENV });
    const doc = await getSwml(app);
    assert.equal((await transfer(app, doc, 'sw-call-1')).status, 200, 'before: a random call id failed here');
    assert.equal((await transfer(app, doc, 'sw-call-1')).status, 200);
    assert.equal((await endCall(app, doc, 'sw-call-1')).status, 200);
    assert.equal((await transfer(app, doc, 'sw-call-1')).status, 403);
    assert.equal(logs.audit('security').at(-1)?.reason, 'revoked');
    const session = String(logs.audit('call_start')[0]?.session_id);
    assert.equal(await app.guard.runtime.state.revocations.isRevoked(session), true, 'the session ended too');
  });

  it('attack: a token from one GET used for two different call_ids works for the first only', async () => {
    const { app, logs } = testApp({ env: ENV });
    const doc = await getSwml(app);
    assert.equal((await transfer(app, doc, 'sw-call-A')).status, 200);
    const replay = await transfer(app, doc, 'sw-call-B');
    assert.equal(replay.status, 403);
    assert.deepEqual(replay.body, { error: 'forbidden' });
    const refused = logs.audit('security').at(-1);
    assert.equal(refused?.reason, 'wrong_call');
    // The session id ties the refusal, and the call that bound the session, to the GET that minted it.
    const session = logs.audit('call_start')[0]?.session_id;
    assert.equal(refused?.session_id, session);
    const bound = logs.audit('function_call').find((e) => e.session_id === session && e.outcome === 'ok');
    assert.equal(bound?.call_id, 'sw-call-A');
    assert.equal((await endCall(app, doc, 'sw-call-B')).status, 403, 'nor can it end another call');
    assert.equal((await transfer(app, doc, 'sw-call-A')).status, 200, 'the first call is unaffected');
  });

  it('attack: two first uses at once with different call_ids: exactly one binds', async () => {
    const { app } = testApp({ env: ENV });
    const doc = await getSwml(app);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => transfer(app, doc, `sw-race-${i}`).then((r) => r.status)),
    );
    assert.equal(results.filter((s) => s === 200).length, 1, results.join(','));
    assert.equal(results.filter((s) => s === 403).length, 7);
  });

  it('attack: the client cannot pick the call id through a query, a GET body or a session-shaped call_id', async () => {
    const { app, logs } = testApp({ env: ENV });
    const doc = (
      await request(app)
        .get('/?call_id=victim-call')
        .auth(USER, PASSWORD)
        .type('json')
        .send('{"call":{"call_id":"victim-call"}}')
        .expect(200)
    ).body as Doc;
    assert.equal(logs.audit('call_start')[0]?.token_binding, 'first_swaig_call_id');
    assert.equal((await transfer(app, doc, 'sw-real-call')).status, 200);
    assert.equal((await transfer(app, doc, 'victim-call')).status, 403);
    const session = String(logs.audit('call_start')[0]?.session_id);
    assert.equal((await transfer(app, doc, session)).status, 403, 'a session subject is never a call id');
  });

  it('a POST without call.call_id is treated the same way', async () => {
    const { app, logs } = testApp({ env: ENV });
    const doc = (await request(app).post('/').auth(USER, PASSWORD).send({}).expect(200)).body as Doc;
    assert.equal(logs.audit('call_start')[0]?.token_binding, 'first_swaig_call_id');
    assert.equal((await transfer(app, doc, 'sw-nobody')).status, 200);
    assert.equal((await transfer(app, doc, 'sw-other')).status, 403);
  });

  it('fails closed when the shared state cannot bind the session', async () => {
    const state = memoryState({ emergencyMode: 'off', disabledFunctions: [] });
    const broken = { ...state, sessions: { bind: () => Promise.reject(new Error('ECONNREFUSED')) } };
    const { app, logs } = testApp({ env: ENV, state: broken });
    const doc = await getSwml(app);
    assert.equal((await transfer(app, doc, 'sw-down')).status, 403);
    assert.equal(logs.audit('security').at(-1)?.reason, 'binding_unavailable');
    assert.ok(logs.records.some((r) => /session of a call started by GET/.test(String(r.msg ?? r.decision))));
  });
});
