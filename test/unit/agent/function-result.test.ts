import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionResult } from '../../../src/agent/function-result.js';

describe('FunctionResult', () => {
  it('serialises a bare response without action or post_process', () => {
    assert.deepEqual(new FunctionResult('hello').toJSON(), { response: 'hello' });
    assert.equal(JSON.stringify(new FunctionResult('x')), '{"response":"x"}');
  });

  const cases: [string, (r: FunctionResult) => FunctionResult, unknown][] = [
    ['say', (r) => r.say('Hi'), { say: 'Hi' }],
    ['hangup', (r) => r.hangup(), { hangup: true }],
    ['hold default', (r) => r.hold(), { hold: 300 }],
    ['hold clamps high', (r) => r.hold(5000), { hold: 900 }],
    ['hold clamps low', (r) => r.hold(-3), { hold: 0 }],
    ['stop', (r) => r.stop(), { stop: true }],
    ['waitForUser default', (r) => r.waitForUser(), { wait_for_user: true }],
    ['waitForUser disabled', (r) => r.waitForUser({ enabled: false }), { wait_for_user: false }],
    ['waitForUser timeout', (r) => r.waitForUser({ timeout: 30 }), { wait_for_user: 30 }],
    [
      'waitForUser answer first',
      (r) => r.waitForUser({ answerFirst: true }),
      { wait_for_user: 'answer_first' },
    ],
    [
      'connect final',
      (r) => r.connect('+15551234567'),
      {
        SWML: { sections: { main: [{ connect: { to: '+15551234567' } }] }, version: '1.0.0' },
        transfer: 'true',
      },
    ],
    [
      'connect not final with from',
      (r) => r.connect('sip:a@b.c', { final: false, from: '+15550001111' }),
      {
        SWML: {
          sections: { main: [{ connect: { to: 'sip:a@b.c', from: '+15550001111' } }] },
          version: '1.0.0',
        },
        transfer: 'false',
      },
    ],
    [
      'swmlTransfer',
      (r) => r.swmlTransfer('https://x.example/swml', 'Welcome back'),
      {
        SWML: {
          version: '1.0.0',
          sections: {
            main: [
              { set: { ai_response: 'Welcome back' } },
              { transfer: { dest: 'https://x.example/swml' } },
            ],
          },
        },
        transfer: 'true',
      },
    ],
    ['updateGlobalData', (r) => r.updateGlobalData({ a: 1 }), { set_global_data: { a: 1 } }],
    ['removeGlobalData', (r) => r.removeGlobalData(['a', 'b']), { unset_global_data: ['a', 'b'] }],
    ['setMetadata', (r) => r.setMetadata({ k: 'v' }), { set_meta_data: { k: 'v' } }],
    ['removeMetadata', (r) => r.removeMetadata('k'), { unset_meta_data: 'k' }],
    [
      'toggleFunctions',
      (r) => r.toggleFunctions([{ function: 'transfer_funds', active: false }]),
      { toggle_functions: [{ function: 'transfer_funds', active: false }] },
    ],
    [
      'playBackgroundFile',
      (r) => r.playBackgroundFile('https://a/b.mp3'),
      { playback_bg: 'https://a/b.mp3' },
    ],
    [
      'playBackgroundFile wait',
      (r) => r.playBackgroundFile('https://a/b.mp3', { wait: true }),
      { playback_bg: { file: 'https://a/b.mp3', wait: true } },
    ],
    ['stopBackgroundFile', (r) => r.stopBackgroundFile(), { stop_playback_bg: true }],
    ['executeSwml object', (r) => r.executeSwml({ version: '1.0.0' }), { SWML: { version: '1.0.0' } }],
    [
      // The SDKs put transfer inside the SWML object for execute_swml (unlike connect/swml_transfer).
      'executeSwml text with transfer',
      (r) => r.executeSwml('{"version":"1.0.0"}', { transfer: true }),
      { SWML: { version: '1.0.0', transfer: 'true' } },
    ],
    ['setEndOfSpeechTimeout', (r) => r.setEndOfSpeechTimeout(700), { end_of_speech_timeout: 700 }],
  ];

  for (const [name, apply, expected] of cases) {
    it(`${name} produces the SignalWire wire shape`, () => {
      const json = apply(new FunctionResult('ok')).toJSON();
      assert.deepEqual(json, { response: 'ok', action: [expected] });
    });
  }

  it('chains actions in order and sets post_process at the top level', () => {
    const json = new FunctionResult('Bye').say('Goodbye').hangup().setPostProcess(true).toJSON();
    assert.deepEqual(json, {
      response: 'Bye',
      action: [{ say: 'Goodbye' }, { hangup: true }],
      post_process: true,
    });
  });

  it('connect sends transfer as a string, as the platform expects', () => {
    const action = new FunctionResult().connect('+1').toJSON().action?.[0];
    assert.equal(typeof action?.transfer, 'string');
  });
});
