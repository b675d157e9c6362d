// Every SWML document swml-guard renders is valid against SignalWire's official schema (SPEC 17).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../../src/agent/agent-base.js';
import { FunctionResult } from '../../../src/agent/function-result.js';
import { createFiftyToolAgent } from '../../../bench/agents.js';
import { PASSWORD, USER, testApp } from '../../helpers/app.js';
import { assertValidSwml } from '../../helpers/swml-schema.js';

const ok = () => new FunctionResult('ok');

/** An agent that sets every option the API offers, each in a shape SignalWire's schema accepts. */
function everyOptionAgent(): AgentBase {
  const agent = new AgentBase({ name: 'every-option', route: '/all' });
  agent
    .setPromptText('You are a helpful agent.')
    .setPostPrompt('Summarize the call as JSON.')
    .addHint('account')
    .addHints(['balance', 'transfer'])
    .addLanguage({ name: 'English', code: 'en-US', voice: 'rime.spore', function_fillers: ['one moment'] })
    .addLanguage({ name: 'Spanish', code: 'es', voice: 'gcloud.es-ES-Neural2-B', speech_fillers: ['eh'] })
    .setParams({ end_of_speech_timeout: 700, attention_timeout: 10000 })
    .setGlobalData({ tier: 'gold', nested: { a: [1, 2] } })
    .declareSecurityEvent('custom_event')
    .onSummary(() => undefined);
  agent.defineTool({
    name: 'every_type',
    description: 'Every kind of argument',
    secure: true,
    sensitive: ['pin'],
    rateLimit: 5,
    securityEvents: ['every_type_event'],
    fillers: { 'en-US': ['Let me check'] },
    metaDataToken: 'every-type-scope',
    parameters: {
      type: 'object',
      properties: {
        account: {
          type: 'string',
          pattern: '^[0-9]{10}$',
          minLength: 10,
          maxLength: 10,
          description: 'acct',
        },
        when: { type: 'string', format: 'date-time', description: 'When' },
        email: { type: 'string', format: 'email' },
        color: { type: 'string', enum: ['red', 'green'], default: 'red' },
        count: { type: 'integer', minimum: 1, maximum: 9, default: 1 },
        amount: { type: 'number', exclusiveMinimum: 0, multipleOf: 0.01 },
        confirmed: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string', maxLength: 20 }, minItems: 1, uniqueItems: true },
        address: {
          type: 'object',
          properties: { city: { type: 'string', minLength: 1 }, zip: { type: 'string' } },
          required: ['city'],
          additionalProperties: false,
        },
        nickname: { type: ['string', 'null'], maxLength: 30, description: 'Optional nickname' },
        reference: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        kind: { const: 'fixed' },
        pin: { type: 'string', pattern: '^[0-9]{4}$' },
      },
      required: ['account', 'amount'],
      additionalProperties: false,
    },
    handler: ok,
  });
  agent.defineTool({
    name: 'open_tool',
    description: 'No arguments, open',
    secure: false,
    fillers: { default: ['Hold on'] },
    handler: ok,
  });
  agent.defineTool({
    name: 'map_only',
    description: 'properties map',
    secure: false,
    parameters: { q: { type: 'string' } },
    handler: ok,
  });
  return agent;
}

async function swmlOf(app: ReturnType<typeof testApp>['app'], path = '/', body?: object) {
  const req = body === undefined ? request(app).get(path) : request(app).post(path).send(body);
  const res = await req.auth(USER, PASSWORD);
  assert.equal(res.status, 200, res.text);
  return res.text;
}

describe("SignalWire's SWML schema accepts every document swml-guard renders", () => {
  it('the demo agent, fetched by POST with a call id, by POST without one, and by GET', async () => {
    const { app } = testApp();
    assertValidSwml(await swmlOf(app, '/', { call: { call_id: 'call-schema', from: '+15551234567' } }));
    assertValidSwml(await swmlOf(app, '/', {}));
    assertValidSwml(await swmlOf(app, '/'));
  });

  it('the 50-tool benchmark agent', async () => {
    const { app } = testApp({ agent: createFiftyToolAgent() });
    assertValidSwml(await swmlOf(app, '/', { call: { call_id: 'call-fifty' } }));
  });

  it('an agent using every option, by POST and GET', async () => {
    const { app } = testApp({ agent: everyOptionAgent() });
    assertValidSwml(await swmlOf(app, '/all', { call: { call_id: 'call-all' } }));
    assertValidSwml(await swmlOf(app, '/all'));
  });

  it('POM prompts: a title-only section, numbered sections, and an agent with no prompt at all', async () => {
    const pom = new AgentBase({ name: 'pom' });
    pom
      .promptAddSection('Title only')
      .promptAddSection('Steps', 'Do these', { bullets: ['a', 'b'], numbered: true });
    pom.promptAddSection('Bullets only', undefined, { bullets: ['x'] });
    pom.defineTool({ name: 't', description: 'd', secure: true, handler: ok });
    assertValidSwml(await swmlOf(testApp({ agent: pom }).app, '/', {}));
    const empty = new AgentBase({ name: 'empty' });
    assertValidSwml(await swmlOf(testApp({ agent: empty }).app, '/', {}));
  });

  it('the toll-fraud refusal and the emergency refusal', async () => {
    const limited = testApp({ env: { SWML_CALLER_CALL_LIMIT: '1' } }).app;
    const call = (id: string) => ({ call: { call_id: id, from: '+15550001111' } });
    await swmlOf(limited, '/', call('c1'));
    const refusal = await swmlOf(limited, '/', call('c2'));
    assert.match(refusal, /"hangup"/);
    assertValidSwml(refusal);
    const emergency = await swmlOf(testApp({ env: { AGENT_EMERGENCY_MODE: 'all' } }).app, '/');
    assert.match(emergency, /temporarily unavailable/);
    assertValidSwml(emergency);
  });

  it('the helper itself refuses what the schema refuses (a test that can fail)', () => {
    const doc = (parameters: object) => ({
      version: '1.0.0',
      sections: {
        main: [
          { answer: {} },
          {
            ai: {
              prompt: { text: 'x' },
              SWAIG: { functions: [{ function: 'f', description: 'd', parameters }] },
            },
          },
        ],
      },
    });
    assertValidSwml(doc({ type: 'object', properties: {} }));
    assert.throws(
      () => assertValidSwml(doc({ type: 'object', properties: {}, additionalProperties: false })),
      /fails SignalWire's schema/,
    );
    assert.throws(
      () =>
        assertValidSwml(doc({ type: 'object', properties: { n: { type: 'number', exclusiveMinimum: 0 } } })),
      /fails SignalWire's schema/,
    );
  });
});
