// SIP routing: registered usernames get the agent's document at {route}sip; anyone else gets 404.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import { PASSWORD, USER, testApp } from '../helpers/app.js';
import { assertValidSwml } from '../helpers/swml-schema.js';
import { scrape } from '../helpers/metrics.js';

function sipAgent(route = '/'): AgentBase {
  return new AgentBase({ name: 'reception', route })
    .setPromptText('You answer SIP calls.')
    .enableSipRouting()
    .registerSipUsername('frontdesk');
}

const call = (to: string, callId = 'sip-call-1') => ({
  call: { call_id: callId, to, from: 'sip:alice@example.com' },
});

describe('SIP routing', () => {
  it('serves the document to each registered username, in any case and URI form', async () => {
    const { app } = testApp({ agent: sipAgent() });
    for (const to of [
      'sip:reception@pbx.example.com',
      'SIP:FrontDesk@pbx.example.com;transport=tls',
      'sips:rcptn@x',
      'frontdesk',
    ]) {
      const res = await request(app).post('/sip').auth(USER, PASSWORD).send(call(to)).expect(200);
      assertValidSwml(res.body);
      assert.equal(res.body.sections.main[1].ai.prompt.text, 'You answer SIP calls.', to);
    }
  });

  it('refuses an unknown username with 404, audits it (masking numbers) and counts it', async () => {
    const { app, logs } = testApp({ agent: sipAgent() });
    const before = await scrape(app);
    const res = await request(app)
      .post('/sip')
      .auth(USER, PASSWORD)
      .send(call('tel:+15551234567'))
      .expect(404);
    assert.deepEqual(res.body, { error: 'not found' });
    const event = logs.audit('security').find((e) => e.type === 'sip_user_unknown');
    assert.equal(event?.username, '***4567');
    assert.ok(!logs.lines.some((l) => l.includes('15551234567')), 'the number is masked');
    const after = await scrape(app);
    const series = 'swml_security_events_total{event="sip_user_unknown"}';
    assert.equal((after.get(series) ?? 0) - (before.get(series) ?? 0), 1);
    assert.equal(logs.audit('call_start').length, 0, 'no call started');
  });

  it('refuses a request with no call.to, needs Basic Auth, and is POST only', async () => {
    const { app } = testApp({ agent: sipAgent() });
    await request(app)
      .post('/sip')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'x' } })
      .expect(404);
    await request(app).post('/sip').send(call('sip:reception@x')).expect(401);
    await request(app).post('/sip').auth(USER, 'wrong').send(call('sip:reception@x')).expect(401);
    await request(app).get('/sip').auth(USER, PASSWORD).expect(405);
  });

  it('lives under the agent’s route, keeps the call limits, and is absent unless enabled', async () => {
    const { app } = testApp({ agent: sipAgent('/desk'), env: { AGENT_EMERGENCY_MODE: 'all' } });
    const res = await request(app)
      .post('/desk/sip')
      .auth(USER, PASSWORD)
      .send(call('sip:frontdesk@x'))
      .expect(200);
    assert.deepEqual(res.body.sections.main.at(-1), { hangup: {} }, 'the emergency refusal, not the agent');
    const plain = testApp({ agent: new AgentBase({ name: 'plain' }).setPromptText('Hi.') });
    await request(plain.app).post('/sip').auth(USER, PASSWORD).send(call('sip:plain@x')).expect(404);
  });
});
