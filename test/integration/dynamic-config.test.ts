// The per-call SWML hook (Python SDK: set_dynamic_config_callback), as a caller and an attacker would try it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import type { SwmlRequestInfo } from '../../src/agent/call-config.js';
import { callDocument } from '../../src/swml/per-call.js';
import { swmlRenderer } from '../../src/swml/render.js';
import { PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';
import { assertValidSwml } from '../helpers/swml-schema.js';

type Doc = {
  sections: { main: [unknown, { ai: Record<string, unknown> & { prompt: { pom?: { title: string }[] } } }] };
};

async function fetchDoc(app: ReturnType<typeof testApp>['app'], body: object, query = '') {
  const res = await request(app).post(`/${query}`).auth(USER, PASSWORD).send(body).expect(200);
  return res.body as Doc;
}

/** A tier-based agent like the Python SDK's dynamic examples: VIP callers get another prompt and settings. */
function tieredAgent(seen: SwmlRequestInfo[] = []): AgentBase {
  const agent = new AgentBase({ name: 'tiers' });
  agent.promptAddSection('Role', 'You are a support agent.').setParams({ end_of_speech_timeout: 700 });
  agent.setGlobalData({ tier: 'standard' });
  agent.setDynamicConfigCallback((req, call) => {
    seen.push(req);
    if (
      req.query.tier === 'vip' ||
      (req.body.call as { from?: string } | undefined)?.from === '+15550000001'
    ) {
      call
        .promptAddSection('VIP', 'This caller is a VIP: be extra helpful.')
        .setParams({ end_of_speech_timeout: 300 })
        .updateGlobalData({ tier: 'vip' })
        .addHints(['platinum'])
        .addPronunciation('VIP', 'V I P');
    }
  });
  return agent;
}

describe('dynamic config hook', () => {
  it('changes the prompt, params and global data for that call only, and the document stays valid', async () => {
    const { app } = testApp({ agent: tieredAgent() });
    const vip = await fetchDoc(app, { call: { call_id: 'c-vip', from: '+15550000001' } });
    const plain = await fetchDoc(app, { call: { call_id: 'c-plain', from: '+15550000002' } });
    const vipAgain = await fetchDoc(app, { call: { call_id: 'c-vip2' } }, '?tier=vip');
    assertValidSwml(vip);
    assertValidSwml(plain);
    const v = vip.sections.main[1].ai;
    const p = plain.sections.main[1].ai;
    assert.deepEqual(
      v.prompt.pom?.map((s) => s.title),
      ['Role', 'VIP'],
    );
    assert.deepEqual(v.params, { end_of_speech_timeout: 300 });
    assert.deepEqual(v.global_data, { tier: 'vip' });
    assert.deepEqual(v.hints, ['platinum']);
    assert.deepEqual(v.pronounce, [{ replace: 'VIP', with: 'V I P' }]);
    // Nothing of the VIP call leaked into the next one, nor into the agent.
    assert.deepEqual(
      p.prompt.pom?.map((s) => s.title),
      ['Role'],
    );
    assert.deepEqual(p.params, { end_of_speech_timeout: 700 });
    assert.deepEqual(p.global_data, { tier: 'standard' });
    assert.equal(p.hints, undefined);
    assert.deepEqual(vipAgain.sections.main[1].ai.global_data, { tier: 'vip' });
  });

  it('never sees the Basic Auth credentials or the signature header, and gets the call id its tokens use', async () => {
    const seen: SwmlRequestInfo[] = [];
    const { app } = testApp({ agent: tieredAgent(seen) });
    await request(app)
      .post('/?tier=gold')
      .auth(USER, PASSWORD)
      .set('Cookie', 'session=abc')
      .set('X-SignalWire-Signature', 'deadbeef')
      .set('X-Custom', 'kept')
      .send({ call: { call_id: 'c-1', to: '+15551112222' } })
      .expect(200);
    const req = seen[0];
    assert.ok(req);
    assert.equal(req.callId, 'c-1');
    assert.equal(req.method, 'POST');
    assert.deepEqual(req.query, { tier: 'gold' });
    assert.deepEqual(req.body, { call: { call_id: 'c-1', to: '+15551112222' } });
    assert.equal(req.headers['x-custom'], 'kept');
    for (const hidden of ['authorization', 'cookie', 'x-signalwire-signature'])
      assert.equal(req.headers[hidden], undefined);
    assert.ok(!JSON.stringify(req).includes(PASSWORD));
  });

  it('cannot break token minting: the hooked document’s secure tool answers with its token', async () => {
    const agent = tieredAgent();
    agent.defineTool({ name: 'close_account', description: 'Close', secure: true, handler: () => 'closed' });
    const { app } = testApp({ agent });
    const doc = await fetchDoc(app, { call: { call_id: 'call-test-1', from: '+15550000001' } });
    assert.deepEqual(doc.sections.main[1].ai.global_data, { tier: 'vip' }, 'the hook ran');
    const { path } = tokenFor(doc, 'close_account');
    const res = await request(app)
      .post(path)
      .auth(USER, PASSWORD)
      .send(swaigBody('close_account'))
      .expect(200);
    assert.deepEqual(res.body, { response: 'closed' });
    // ...and that token is still bound to its call.
    await request(app)
      .post(path)
      .auth(USER, PASSWORD)
      .send(swaigBody('close_account', {}, { call_id: 'other' }))
      .expect(403);
  });

  it('a hook that throws gets the static document and one error line without the document', async () => {
    const agent = new AgentBase({ name: 'fragile' }).setPromptText('Static prompt.');
    agent.setDynamicConfigCallback(() => {
      throw new Error('database down');
    });
    const { app, logs } = testApp({ agent });
    const doc = await fetchDoc(app, { call: { call_id: 'c-err' } });
    assertValidSwml(doc);
    assert.deepEqual(doc.sections.main[1].ai.prompt, { text: 'Static prompt.' });
    const line = logs.records.find(
      (r) => r.msg === 'dynamic config hook failed; serving the static document',
    );
    assert.ok(line, 'the failure is logged');
    assert.equal(line.call_id, 'c-err');
    assert.ok(
      !logs.lines.some((l) => l.includes(PASSWORD) || l.includes('__token=')),
      'no credential or token logged',
    );
  });

  it('a hook that never answers gets the static document after the function time limit', async () => {
    const agent = new AgentBase({ name: 'slow' }).setPromptText('Static prompt.');
    agent.setDynamicConfigCallback(() => new Promise<void>(() => undefined));
    const { app, logs } = testApp({ agent, env: { SWML_FUNCTION_TIMEOUT_MS: '100' } });
    const doc = await fetchDoc(app, { call: { call_id: 'c-slow' } });
    assert.deepEqual(doc.sections.main[1].ai.prompt, { text: 'Static prompt.' });
    assert.equal(logs.records.find((r) => r.call_id === 'c-slow' && r.timeout_ms === 100)?.level, 50);
  });

  it('tools cannot be added per call, even from plain JavaScript', async () => {
    const agent = new AgentBase({ name: 'fixed' }).setPromptText('Help.');
    agent.setDynamicConfigCallback((_req, call) => {
      (call as unknown as AgentBase).defineTool({
        name: 'sneaky',
        description: 'x',
        secure: false,
        handler: () => 'x',
      });
    });
    const { app } = testApp({ agent });
    const doc = await fetchDoc(app, { call: { call_id: 'c-1' } });
    assert.ok(!JSON.stringify(doc).includes('sneaky'));
    assert.equal(agent.tools.has('sneaky'), false);
    await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('sneaky')).expect(404);
  });

  it('runs after the call limits: an emergency refusal never reaches the hook', async () => {
    const seen: SwmlRequestInfo[] = [];
    const { app } = testApp({ agent: tieredAgent(seen), env: { AGENT_EMERGENCY_MODE: 'all' } });
    await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'c-e' } })
      .expect(200);
    assert.equal(seen.length, 0);
  });

  it('without a hook, the document is produced at once from the precomputed parts', () => {
    const { app } = testApp({ agent: new AgentBase({ name: 'static' }).setPromptText('Hi.') });
    const rt = app.guard.runtime;
    const renderer = swmlRenderer(rt.agent, { user: 'u', password: 'p', tokens: rt.tokens });
    const doc = callDocument(rt, renderer)(Object.create(null) as Request, {
      baseUrl: 'https://x.example.com',
      callId: 'c',
    });
    assert.equal(typeof doc, 'string', 'no promise, no copy of the agent');
  });
});
