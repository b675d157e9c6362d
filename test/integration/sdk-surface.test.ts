// The SDK surface through createApp: every new element renders the Python SDK's shape and valid SWML.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import { DataMap } from '../../src/agent/data-map.js';
import { FunctionResult } from '../../src/agent/function-result.js';
import { PASSWORD, USER, swaigBody, testApp } from '../helpers/app.js';
import { assertValidSwml } from '../helpers/swml-schema.js';
import * as SDK from '../fixtures/sdk/agent.js';

type Ai = Record<string, unknown> & {
  prompt: Record<string, unknown>;
  SWAIG: { functions: Record<string, unknown>[]; defaults: unknown } & Record<string, unknown>;
};

function weather(): DataMap {
  return new DataMap('get_weather')
    .purpose('Get the current weather for a city')
    .parameter('city', 'string', 'City name', { required: true })
    .parameter('units', 'string', 'Units', { enum: ['metric', 'imperial'] })
    .webhook('GET', 'https://api.example.com/weather?q=${enc:args.city}', {
      headers: { 'X-Api-Key': 'k-123' },
    })
    .output(new FunctionResult('It is ${response.temp} degrees in ${args.city}.'))
    .errorKeys(['error'])
    .fallbackOutput(new FunctionResult('The weather service is unavailable.'));
}

function playback(): DataMap {
  return new DataMap('playback')
    .purpose('Control playback')
    .parameter('command', 'string', 'start or stop', { required: true })
    .expression(
      '${args.command}',
      /start.*/,
      new FunctionResult('Starting.').addAction('say', 'Starting now'),
    )
    .expression(
      '${args.command}',
      'stop.*',
      new FunctionResult('Stopping.').addAction('stop_playback_bg', true),
    );
}

/** An agent with every new element and no webhook tool, so its document must pass the schema as it is. */
function everyElement(): AgentBase {
  const agent = new AgentBase({ name: 'surface' });
  agent
    .promptAddSection('Role', 'You answer questions about the weather.')
    .setPromptLlmParams({ temperature: 0.3, top_p: 0.9 })
    .setPromptLlmParams({ presence_penalty: 0.1, frequency_penalty: 0.2, confidence: 0.6, max_tokens: 300 })
    .setPostPrompt('Summarize the call as JSON.')
    .setPostPromptLlmParams({ temperature: 0.1 })
    .addHints(['SignalWire'])
    .addPatternHint({ hint: 'AI Agent', pattern: 'AI\\s+Agent', replace: 'A.I. Agent', ignoreCase: true })
    .addPronunciation('API', 'A P I')
    .addPronunciation('SIP', 'sip', { ignoreCase: true })
    .addLanguage({
      name: 'English',
      code: 'en-US',
      voice: 'inworld.Mark',
      speech_fillers: ['Hmm'],
      function_fillers: ['One moment'],
    })
    .setNativeFunctions(['check_time', 'wait_seconds'])
    .addFunctionInclude({
      url: 'https://functions.example.com/swaig',
      functions: ['get_traffic'],
      metaData: { region: 'us-west' },
    })
    .registerSwaigFunction(weather())
    .registerSwaigFunction(playback())
    .enableSipRouting();
  const contexts = agent.defineContexts();
  const main = contexts.addContext('default');
  main.addStep('greeting', {
    task: 'Greet the caller.',
    bullets: ['Say your name', 'Ask how to help'],
    criteria: 'The caller said what they need',
    validSteps: ['triage'],
  });
  main
    .addStep('triage')
    .setText('Find out what the caller needs.')
    .setFunctions(['get_weather'])
    .setValidContexts(['billing']);
  const billing = contexts.addContext('billing');
  billing.addStep('invoice').setText('Explain the invoice.').setFunctions([]).setEnd(true);
  billing.setIsolated(true);
  return agent;
}

async function swml(
  app: ReturnType<typeof testApp>['app'],
  path = '/',
  body: object = { call: { call_id: 'call-sdk-1' } },
) {
  const res = await request(app).post(path).auth(USER, PASSWORD).send(body).expect(200);
  return res.body as { sections: { main: [unknown, { ai: Ai }] } };
}

describe('SDK surface in the SWML document', () => {
  it('renders each element where and as the Python SDK does, and the document passes SignalWire’s schema', async () => {
    const { app } = testApp({ agent: everyElement() });
    const doc = await swml(app);
    assertValidSwml(doc);
    const ai = doc.sections.main[1].ai;
    assert.deepEqual(ai.prompt, {
      pom: [{ title: 'Role', body: 'You answer questions about the weather.' }],
      temperature: 0.3,
      top_p: 0.9,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      confidence: 0.6,
      max_tokens: 300,
      contexts: SDK.CONTEXTS,
    });
    assert.deepEqual(ai.post_prompt, { text: 'Summarize the call as JSON.', temperature: 0.1 });
    assert.deepEqual(ai.pronounce, SDK.PRONOUNCE);
    assert.deepEqual(ai.hints, SDK.HINTS);
    assert.deepEqual(ai.SWAIG.native_functions, SDK.NATIVE_FUNCTIONS);
    assert.deepEqual(ai.SWAIG.includes, SDK.INCLUDES);
    assert.deepEqual(ai.SWAIG.functions, [SDK.WEATHER_DATA_MAP, SDK.PLAYBACK_DATA_MAP]);
  });

  it('DataMap tools carry no webhook or token, beside secure webhook tools that do', async () => {
    const agent = new AgentBase({ name: 'mixed' }).setPromptText('Help.').registerSwaigFunction(weather());
    agent.defineTool({ name: 'pay_bill', description: 'Pay', secure: true, handler: () => 'paid' });
    const { app } = testApp({ agent });
    const fns = (await swml(app)).sections.main[1].ai.SWAIG.functions;
    const byName = new Map(fns.map((f) => [f.function, f]));
    assert.match(String(byName.get('pay_bill')?.web_hook_url), /__token=/);
    assert.equal(byName.get('get_weather')?.web_hook_url, undefined);
    assert.ok(!JSON.stringify(byName.get('get_weather')).includes('__token'));
  });

  it('a DataMap tool is never dispatched here: SignalWire runs it', async () => {
    const { app, logs } = testApp({ agent: everyElement() });
    await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('get_weather', { city: 'Paris' }))
      .expect(404);
    assert.equal(logs.audit('function_call').length, 0);
  });

  it('contexts without a prompt get the Python SDK’s base prompt, and still validate', async () => {
    const agent = new AgentBase({ name: 'flow' });
    agent.defineContexts().addContext('default').addStep('only').setText('Do the one thing.');
    const doc = await swml(testApp({ agent }).app);
    assertValidSwml(doc);
    assert.equal(
      doc.sections.main[1].ai.prompt.text,
      'You are flow, a helpful AI assistant that follows structured workflows.',
    );
  });

  it('a context prompt is sent as text, or as POM sections', async () => {
    const agent = new AgentBase({ name: 'flow' }).setPromptText('Base.');
    const contexts = agent.defineContexts();
    contexts.addContext('default').setPrompt('You are in sales.').addStep('a').setText('A.');
    contexts
      .addContext('support')
      .addSection('Role', 'Support.')
      .addBullets('Rules', ['Be kind'])
      .addStep('b')
      .setText('B.');
    const doc = await swml(testApp({ agent }).app);
    assertValidSwml(doc);
    const ctx = doc.sections.main[1].ai.prompt.contexts as Record<string, Record<string, unknown>>;
    assert.equal(ctx.default?.text, 'You are in sales.');
    assert.deepEqual(ctx.support?.pom, [
      { title: 'Role', body: 'Support.' },
      { title: 'Rules', bullets: ['Be kind'] },
    ]);
  });
});

describe('agent definitions that cannot work are refused before the app starts', () => {
  const broken: [string, () => AgentBase, RegExp][] = [
    [
      'contexts without "default"',
      () => withContexts((c) => c.addContext('sales').addStep('a').setText('A')),
      /"default"/,
    ],
    ['a context with no step', () => withContexts((c) => c.addContext('default')), /no steps/],
    ['a step with no text', () => withContexts((c) => c.addContext('default').addStep('a')), /no text/],
    [
      'a step pointing at an unknown step',
      () => withContexts((c) => c.addContext('default').addStep('a').setText('A').setValidSteps(['nope'])),
      /unknown step nope/,
    ],
    [
      'a step pointing at an unknown context',
      () => withContexts((c) => c.addContext('default').addStep('a').setText('A').setValidContexts(['nope'])),
      /unknown context nope/,
    ],
    [
      'a step allowing an unknown function',
      () =>
        withContexts((c) => c.addContext('default').addStep('a').setText('A').setFunctions(['get_wether'])),
      /unknown function get_wether/,
    ],
    [
      'a tool named like a navigation tool',
      () => {
        const agent = withContexts((c) => c.addContext('default').addStep('a').setText('A'));
        return agent.defineTool({ name: 'next_step', description: 'x', secure: false, handler: () => 'x' });
      },
      /next_step collides/,
    ],
    [
      'a DataMap and a webhook tool with the same name',
      () => {
        const agent = new AgentBase({ name: 'x' }).registerSwaigFunction(weather());
        return agent.defineTool({ name: 'get_weather', description: 'x', secure: false, handler: () => 'x' });
      },
      /both/,
    ],
  ];
  for (const [name, build, message] of broken) {
    it(`refuses ${name}`, () => {
      assert.throws(() => testApp({ agent: build() }), message);
    });
  }

  function withContexts(define: (c: ReturnType<AgentBase['defineContexts']>) => unknown): AgentBase {
    const agent = new AgentBase({ name: 'x' });
    define(agent.defineContexts());
    return agent;
  }
});
