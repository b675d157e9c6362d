import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { LogCapture } from '../../helpers/app.js';
import { OUTAGE_DECISIONS, errorSummary, outageReporter } from '../../../src/state/outage-log.js';

function setup(intervalMs?: number) {
  const logs = new LogCapture();
  const report = outageReporter(pino({ base: undefined }, logs), intervalMs);
  return { logs, report };
}

describe('outage reporter', () => {
  it('logs one error line naming the path and its decision', () => {
    const { logs, report } = setup();
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    report('revocation_check', err);
    assert.equal(logs.records.length, 1);
    const [line] = logs.records;
    assert.equal(line?.level, 50);
    assert.equal(line?.shared_state, 'unavailable');
    assert.equal(line?.path, 'revocation_check');
    assert.equal(line?.decision, OUTAGE_DECISIONS.revocation_check);
    assert.match(String(line?.msg), /fail closed/);
    assert.deepEqual(line?.error, { message: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' });
    assert.ok(!logs.lines[0]?.includes('at '), 'no stack trace');
  });

  it('throttles per path: the first failure, then one line per interval with the suppressed count', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 0 });
    const { logs, report } = setup(30_000);
    report('ip_limit', new Error('down'));
    report('ip_limit', new Error('down'));
    report('ip_limit', new Error('down'));
    report('call_limit', new Error('down'));
    assert.deepEqual(
      logs.records.map((r) => r.path),
      ['ip_limit', 'call_limit'],
    );
    t.mock.timers.tick(29_999);
    report('ip_limit', new Error('down'));
    assert.equal(logs.records.length, 2);
    t.mock.timers.tick(1);
    report('ip_limit', new Error('down'));
    assert.equal(logs.records.length, 3);
    assert.equal(logs.records[2]?.suppressed, 3);
    t.mock.timers.tick(30_000);
    report('ip_limit', new Error('down'));
    assert.equal(logs.records[3]?.suppressed, undefined, 'nothing suppressed since the last line');
  });

  it('every decision says whether it fails open or closed, or what is kept', () => {
    for (const [path, decision] of Object.entries(OUTAGE_DECISIONS)) {
      assert.match(decision, /fail open|fail closed|TTL|last known|this replica only/, path);
    }
  });

  it('summarises errors without stack or non-string codes, bounded', () => {
    assert.deepEqual(errorSummary('text'), { message: 'text' });
    assert.deepEqual(errorSummary(Object.assign(new Error('x'), { code: 7 })), { message: 'x' });
    assert.equal(errorSummary(new Error('y'.repeat(500))).message.length, 200);
  });
});
