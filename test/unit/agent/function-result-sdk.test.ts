import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionResult } from '../../../src/agent/function-result.js';
import { SDK_CASES } from '../../fixtures/sdk/function-result.js';

describe('FunctionResult against the Python SDK output', () => {
  for (const c of SDK_CASES) {
    it(`${c.python} serialises as the SDK does`, () => {
      assert.deepEqual(JSON.parse(JSON.stringify(c.build())), c.expected);
    });
  }

  it('executeSwml copies the document: the caller’s object is never changed', () => {
    const doc = { version: '1.0.0', sections: { main: [{ hangup: {} }] } };
    new FunctionResult().executeSwml(doc, { transfer: true });
    assert.deepEqual(doc, { version: '1.0.0', sections: { main: [{ hangup: {} }] } });
  });

  it('JSON text that is not an object travels as raw_swml', () => {
    assert.deepEqual(new FunctionResult().executeSwml('[1,2]').toJSON().action, [
      { SWML: { raw_swml: '[1,2]' } },
    ]);
  });

  const refused: [string, () => unknown, RegExp][] = [
    [
      'sendSms with neither body nor media',
      () => new FunctionResult().sendSms({ toNumber: '+1', fromNumber: '+2' }),
      /body or media/,
    ],
    [
      'tap with an unknown direction',
      () => new FunctionResult().tap({ uri: 'wss://x', direction: 'up' as 'both' }),
      /tap direction/,
    ],
    ['tap with rtpPtime 0', () => new FunctionResult().tap({ uri: 'wss://x', rtpPtime: 0 }), /rtpPtime/],
    ['recordCall as ogg', () => new FunctionResult().recordCall({ format: 'ogg' as 'wav' }), /format/],
    [
      'joinConference for 300',
      () => new FunctionResult().joinConference('t', { maxParticipants: 300 }),
      /maxParticipants/,
    ],
    [
      'joinConference with a bad beep',
      () => new FunctionResult().joinConference('t', { beep: 'loud' as 'true' }),
      /beep/,
    ],
    ['joinConference without a name', () => new FunctionResult().joinConference(' '), /name/],
    [
      'rpcAiMessage with nothing to send',
      () => new FunctionResult().rpcAiMessage({ callId: 'c' }),
      /messageText/,
    ],
    ['addAction with an empty name', () => new FunctionResult().addAction('', true), /name/],
  ];
  for (const [name, call, message] of refused) {
    it(`refuses ${name} with a clear error`, () => {
      assert.throws(call, (err: Error) => err instanceof TypeError && message.test(err.message));
    });
  }
});
