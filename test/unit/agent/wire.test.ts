// What SignalWire is sent of a tool (parameters projection) and the settings refused at configuration time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentBase } from '../../../src/agent/agent-base.js';
import { FunctionResult } from '../../../src/agent/function-result.js';
import { wireParameters } from '../../../src/agent/wire-parameters.js';

const ok = () => new FunctionResult('ok');
const project = (properties: Record<string, unknown>, required?: string[]) =>
  wireParameters(
    { type: 'object', properties: properties as never, required, additionalProperties: false },
    't',
  );

describe('wireParameters: the subset of JSON Schema SignalWire accepts', () => {
  const cases: [string, unknown, unknown][] = [
    [
      'drops string length limits',
      { type: 'string', minLength: 8, maxLength: 9, description: 'd' },
      { type: 'string', description: 'd' },
    ],
    [
      'keeps pattern, enum, default',
      { type: 'string', pattern: '^a$', enum: ['a'], default: 'a' },
      { type: 'string', pattern: '^a$', enum: ['a'], default: 'a' },
    ],
    [
      'spells date-time as SignalWire does',
      { type: 'string', format: 'date-time' },
      { type: 'string', format: 'date_time' },
    ],
    ['drops a format SignalWire does not know', { type: 'string', format: 'regex' }, { type: 'string' }],
    [
      'drops number bounds',
      { type: 'number', exclusiveMinimum: 0, minimum: 1, maximum: 2, multipleOf: 1 },
      { type: 'number' },
    ],
    ['drops integer bounds', { type: 'integer', minimum: 1, default: 2 }, { type: 'integer', default: 2 }],
    ['drops a default of the wrong type', { type: 'integer', default: 'x' }, { type: 'integer' }],
    ['keeps boolean', { type: 'boolean', default: false }, { type: 'boolean', default: false }],
    [
      'projects array items',
      { type: 'array', items: { type: 'string', maxLength: 3 }, minItems: 1 },
      { type: 'array', items: { type: 'string' } },
    ],
    [
      'projects nested objects without additionalProperties',
      {
        type: 'object',
        properties: { a: { type: 'string', minLength: 1 } },
        required: ['a'],
        additionalProperties: false,
      },
      { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
    ],
    [
      'turns a nullable type list into nullable',
      { type: ['string', 'null'], maxLength: 3 },
      { type: 'string', nullable: true },
    ],
    [
      'turns several types into anyOf',
      { type: ['string', 'integer'] },
      { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    ],
    [
      'keeps anyOf, projecting each branch',
      { anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }] },
      { anyOf: [{ type: 'string' }, { type: 'null', description: 'null' }] },
    ],
    ['keeps const alone', { const: 'x', description: 'd' }, { const: 'x' }],
    ['infers a type from an enum', { enum: ['a', 'b'] }, { type: 'string', enum: ['a', 'b'] }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.deepEqual(project({ p: input }).properties, { p: expected });
    });
  }

  it('keeps required and drops additionalProperties at the top', () => {
    assert.deepEqual(project({ a: { type: 'string' } }, ['a']), {
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
    });
  });

  it('refuses, naming the tool and the path, what SignalWire cannot express', () => {
    assert.throws(
      () => project({ list: { type: 'array' } }),
      /tool t: parameters\.list: an array needs one `items`/,
    );
    assert.throws(() => project({ any: {} }), /tool t: parameters\.any: needs a `type`/);
    assert.throws(() => project({ odd: { type: 'date' } }), /not a JSON Schema type/);
  });
});

describe('settings SignalWire would refuse are refused when the agent is configured', () => {
  const tool = (fillers: unknown) => () =>
    new AgentBase({ name: 'a' }).defineTool({
      name: 'f',
      description: 'd',
      secure: false,
      fillers: fillers as never,
      handler: ok,
    });

  it('a tool with fillers in several languages, or a language SignalWire does not list', () => {
    assert.throws(
      tool({ 'en-US': ['one moment'], es: ['un momento'] }),
      /exactly one language.*function_fillers on each addLanguage/s,
    );
    assert.throws(tool({ 'es-ES': ['un momento'] }), /"es-ES" is not a language SignalWire accepts/);
    assert.throws(tool({ 'en-US': [] }), /non-empty array/);
    assert.doesNotThrow(tool({ 'en-US': ['one moment'] }));
    assert.doesNotThrow(tool({ default: ['one moment'] }));
  });

  it('a language without a voice, or with a field SignalWire does not know', () => {
    const agent = new AgentBase({ name: 'a' });
    assert.throws(
      () => agent.addLanguage({ name: 'English', code: 'en-US' }),
      /voice is required by SignalWire/,
    );
    assert.throws(
      () => agent.addLanguage({ name: 'English', code: 'en-US', voice: 'v', accent: 'x' }),
      /accent is not a language field/,
    );
    assert.throws(
      () =>
        agent.addLanguage({
          name: 'English',
          code: 'en-US',
          voice: 'v',
          fillers: ['a'],
          speech_fillers: ['b'],
        }),
      /not both/,
    );
    agent.addLanguage({
      name: 'English',
      code: 'en-US',
      voice: 'v',
      function_fillers: ['a'],
      speech_fillers: ['b'],
    });
    assert.equal(agent.languages.length, 1);
  });

  it('a POM section with an empty title', () => {
    assert.throws(() => new AgentBase({ name: 'a' }).promptAddSection('  '), /non-empty title/);
  });
});
