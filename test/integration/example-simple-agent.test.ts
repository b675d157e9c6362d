// The ported Python SDK example (examples/simple-agent.ts), end to end through createApp.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createSimpleAgent } from '../../examples/simple-agent.js';
import { PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';
import { assertValidSwml } from '../helpers/swml-schema.js';

type Ai = Record<string, unknown> & {
  prompt: Record<string, unknown> & { pom: { title: string }[] };
  SWAIG: Record<string, unknown> & { functions: { function: string; parameters: Record<string, unknown> }[] };
};

async function startCall(app: ReturnType<typeof testApp>['app'], callId: string) {
  const res = await request(app)
    .post('/simple')
    .auth(USER, PASSWORD)
    .send({ call: { call_id: callId, from: '+15550001234' } })
    .expect(200);
  return res.body as { sections: { main: [unknown, { ai: Ai }] } };
}

describe('examples/simple-agent.ts (port of the Python SDK’s simple_agent.py)', () => {
  it('renders the Python example’s settings', async () => {
    const { app } = testApp({ agent: createSimpleAgent() });
    const ai = (await startCall(app, 'call-simple-1')).sections.main[1].ai;
    assert.deepEqual(
      ai.prompt.pom.map((s) => s.title),
      ['Personality', 'Goal', 'Instructions'],
    );
    assert.equal(ai.prompt.temperature, 0.3);
    assert.equal(ai.prompt.top_p, 0.9);
    assert.deepEqual(ai.hints, [
      'SignalWire',
      'SWML',
      'SWAIG',
      { hint: 'AI Agent', pattern: 'AI\\s+Agent', replace: 'A.I. Agent', ignore_case: true },
    ]);
    assert.deepEqual(ai.pronounce, [
      { replace: 'API', with: 'A P I' },
      { replace: 'SIP', with: 'sip', ignore_case: true },
    ]);
    assert.deepEqual(
      (ai.languages as { code: string }[]).map((l) => l.code),
      ['en-US', 'es', 'fr-FR', 'de-DE'],
    );
    assert.equal((ai.params as Record<string, unknown>).ai_model, 'gpt-4.1-nano');
    assert.deepEqual(ai.SWAIG.native_functions, ['check_time', 'wait_seconds']);
    assert.equal((ai.SWAIG.includes as unknown[]).length, 2);
    assert.deepEqual(
      ai.SWAIG.functions.map((f) => f.function),
      ['get_time', 'get_weather'],
    );
  });

  it('its document passes SignalWire’s schema', async (t) => {
    const { app } = testApp({ agent: createSimpleAgent() });
    const doc = await startCall(app, 'call-simple-2');
    // Until sdk-wire's render.ts change (issue 14) lands, webhook tools' parameters carry
    // `additionalProperties: false`, which the schema refuses; the test turns strict by itself once they don't.
    if (doc.sections.main[1].ai.SWAIG.functions.some((f) => 'additionalProperties' in f.parameters)) {
      t.todo('tool parameters still carry additionalProperties (sdk-wire, issue 14)');
    }
    assertValidSwml(doc);
  });

  it('its tools answer with the shapes the Python example returns, with their function tokens', async () => {
    const { app } = testApp({ agent: createSimpleAgent() });
    const doc = await startCall(app, 'call-test-1');
    const weather = await request(app)
      .post(tokenFor(doc, 'get_weather').path)
      .auth(USER, PASSWORD)
      .send(swaigBody('get_weather', { location: 'Paris' }))
      .expect(200);
    assert.deepEqual(weather.body, {
      response: "It's sunny and 72°F in Paris.",
      action: [
        { set_global_data: { weather_location: 'Paris' } },
        { playback_bg: { file: 'https://example.com/weather_sounds.mp3' } },
        { log: { message: 'Weather requested for Paris' } },
      ],
    });
    const time = await request(app)
      .post(tokenFor(doc, 'get_time').path)
      .auth(USER, PASSWORD)
      .send(swaigBody('get_time'))
      .expect(200);
    assert.match(time.body.response, /^The current time is \d\d:\d\d:\d\d$/);
    // Secure by default, as in the Python SDK: no token, no answer.
    await request(app).post('/simple/swaig').auth(USER, PASSWORD).send(swaigBody('get_time')).expect(403);
  });

  it('answers SIP calls for its usernames only', async () => {
    const { app } = testApp({ agent: createSimpleAgent() });
    for (const user of ['simple', 'smpl', 'simple_agent', 'assistant']) {
      await request(app)
        .post('/simple/sip')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: 'c', to: `sip:${user}@sip.example.com` } })
        .expect(200);
    }
    await request(app)
      .post('/simple/sip')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'c', to: 'sip:billing@sip.example.com' } })
      .expect(404);
  });

  it('hands the summary to its onSummary, which records it in the call_end audit event', async () => {
    const { app, logs } = testApp({ agent: createSimpleAgent() });
    const doc = await startCall(app, 'call-simple-4');
    const url = new URL(String(doc.sections.main[1].ai.post_prompt_url));
    await request(app)
      .post(`${url.pathname}${url.search}`)
      .auth(USER, PASSWORD)
      .send({
        action: 'post_conversation',
        call_id: 'call-simple-4',
        post_prompt_data: { parsed: [{ topic: 'weather', satisfied: true, follow_up_needed: false }] },
      })
      .expect(200);
    const end = logs.audit('call_end')[0];
    assert.deepEqual(end?.summary, { topic: 'weather', satisfied: true, follow_up_needed: false });
  });
});
