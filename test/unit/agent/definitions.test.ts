// Settings that SignalWire's schema would refuse, or that would leak, are refused when the agent is defined.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentBase } from '../../../src/agent/agent-base.js';
import { DataMap } from '../../../src/agent/data-map.js';
import { FunctionResult } from '../../../src/agent/function-result.js';
import type { NativeFunction } from '../../../src/agent/ai-config.js';

const agent = () => new AgentBase({ name: 'defs' });
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a cast for calls plain JavaScript could make
const cast = <T>(value: unknown) => value as T;

describe('definition-time checks', () => {
  const refused: [string, () => unknown, RegExp][] = [
    [
      'an LLM parameter the schema does not allow',
      () => agent().setPromptLlmParams(cast({ model: 'gpt-4o' })),
      /unknown parameter "model".*ai_model/,
    ],
    [
      'a temperature over 1.5',
      () => agent().setPromptLlmParams({ temperature: 2 }),
      /temperature must be a number from 0 to 1.5/,
    ],
    ['a fractional max_tokens', () => agent().setPostPromptLlmParams({ max_tokens: 10.5 }), /whole number/],
    [
      'a penalty that is not a number',
      () => agent().setPromptLlmParams(cast({ presence_penalty: '0.1' })),
      /presence_penalty/,
    ],
    [
      'an unknown native function',
      () => agent().setNativeFunctions([cast<NativeFunction>('fetch_weather')]),
      /unknown native function/,
    ],
    [
      'a remote include over http',
      () => agent().addFunctionInclude({ url: 'http://x.example.com', functions: ['f'] }),
      /https/,
    ],
    [
      'a remote include with no function',
      () => agent().addFunctionInclude({ url: 'https://x.example.com', functions: [] }),
      /at least one/,
    ],
    ['an empty pronunciation', () => agent().addPronunciation('API', ''), /with must be/],
    [
      'a pattern hint with no pattern',
      () => agent().addPatternHint({ hint: 'a', pattern: '', replace: 'b' }),
      /pattern/,
    ],
    ['a language without a code', () => agent().addLanguage(cast({ name: 'English' })), /needs code/],
    ['a SIP username with a space', () => agent().registerSipUsername('sales team'), /SIP usernames/],
    ['a SIP path on the swaig route', () => agent().enableSipRouting({ path: '/swaig' }), /reserved/],
    [
      'a step named "next"',
      () => agent().defineContexts().addContext('default').addStep('next'),
      /not "next"/,
    ],
    [
      'bullets without a task',
      () =>
        agent()
          .defineContexts()
          .addContext('default')
          .addStep('a', { bullets: ['x'] }),
      /need a task/,
    ],
    [
      'a step with text and sections',
      () => agent().defineContexts().addContext('default').addStep('a').setText('A').addSection('T', 'b'),
      /either/,
    ],
    [
      'the same context twice',
      () => {
        const c = agent().defineContexts();
        c.addContext('default');
        c.addContext('default');
      },
      /already exists/,
    ],
    ['a DataMap webhook over http', () => new DataMap('d').webhook('GET', 'http://api.example.com'), /https/],
    [
      'a DataMap webhook with PATCH',
      () => new DataMap('d').webhook(cast('PATCH'), 'https://api.example.com'),
      /GET, POST, PUT or DELETE/,
    ],
    [
      'a DataMap output without response text',
      () => new DataMap('d').fallbackOutput(new FunctionResult().hangup()),
      /needs response text/,
    ],
    [
      'a DataMap output with post_process',
      () => new DataMap('d').fallbackOutput(new FunctionResult('x').setPostProcess(true)),
      /post_process/,
    ],
    ['output() before any webhook', () => new DataMap('d').output(new FunctionResult('x')), /add a webhook/],
    ['a DataMap that does nothing', () => agent().registerSwaigFunction(new DataMap('d')), /does nothing/],
    ['a DataMap with a bad name', () => new DataMap('get weather'), /names must match/],
    [
      'a DataMap registered twice',
      () =>
        agent()
          .registerSwaigFunction(new DataMap('d').fallbackOutput(new FunctionResult('x')))
          .registerSwaigFunction(new DataMap('d').fallbackOutput(new FunctionResult('x'))),
      /already defined/,
    ],
    [
      'a raw function entry instead of a DataMap',
      () => agent().registerSwaigFunction(cast({ function: 'x', data_map: {} })),
      /takes a DataMap/,
    ],
  ];
  for (const [name, call, message] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(call, message);
    });
  }

  it('merges LLM parameters and global data over several calls, as the SDKs do', () => {
    const a = agent().setPromptLlmParams({ temperature: 0.5 }).setPromptLlmParams({ top_p: 0.9 });
    a.setGlobalData({ a: 1 }).setGlobalData({ b: 2 }).updateGlobalData({ a: 3 });
    assert.deepEqual(a.promptLlmParams, { temperature: 0.5, top_p: 0.9 });
    assert.deepEqual(a.globalData, { a: 3, b: 2 });
  });

  it('auto-maps SIP usernames as the Python SDK does: name, route, name without vowels', () => {
    const a = new AgentBase({ name: 'Simple', route: '/support' })
      .enableSipRouting()
      .registerSipUsername('Assistant');
    assert.deepEqual([...(a.sipRouting?.usernames ?? [])], ['simple', 'support', 'smpl', 'assistant']);
    assert.equal(a.sipRouting?.path, 'sip');
  });
});
