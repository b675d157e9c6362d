// Toll-fraud call limits on SWML fetches: per caller per hour and global per minute; a refusal SWML.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { PASSWORD, USER, testApp } from '../helpers/app.js';

type Swml = { sections: { main: Record<string, unknown>[] } };

function setup(t: TestContext, env: Record<string, string>) {
  t.mock.timers.enable({ apis: ['Date', 'setTimeout', 'setInterval'], now: Date.UTC(2030, 0, 1) });
  const made = testApp({ env });
  t.after(() => made.app.guard.close());
  let n = 0;
  const fetchSwml = async (from: string) => {
    const res = await request(made.app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: `call-${++n}`, from, to: '+15550000000' } });
    assert.equal(res.status, 200);
    return res.body as Swml;
  };
  return { ...made, fetchSwml };
}

const verbs = (swml: Swml) => swml.sections.main.map((v) => Object.keys(v)[0]);

/** The refusal: answer, a short message, hang up; no AI session. */
function assertRefusal(swml: Swml): void {
  assert.deepEqual(verbs(swml), ['answer', 'play', 'hangup']);
  assert.match((swml.sections.main[1] as { play: { url: string } }).play.url, /^say:.+/);
  assert.ok(!JSON.stringify(swml).includes('"ai"'), 'no ai section');
}

describe('call limits', () => {
  it('per caller per hour: the call after the limit gets the refusal SWML until the hour ends', async (t) => {
    const { fetchSwml, logs, app } = setup(t, { SWML_CALLER_CALL_LIMIT: '2' });
    assert.deepEqual(verbs(await fetchSwml('+15551112222')), ['answer', 'ai']);
    assert.deepEqual(verbs(await fetchSwml('+15551112222')), ['answer', 'ai']);
    assertRefusal(await fetchSwml('+15551112222'));
    assert.deepEqual(verbs(await fetchSwml('+15553334444')), ['answer', 'ai'], 'another caller');

    const [limited] = logs.audit('call_limited');
    assert.equal(limited?.limiter, 'call');
    assert.equal(limited?.caller, '***2222');
    assert.equal(limited?.call_id, 'call-3');
    assert.equal(logs.audit('call_start').length, 3);
    const { values } = await app.guard.runtime.metrics.callsStarted.get();
    assert.equal(values.find((v) => v.labels.outcome === 'limited')?.value, 1);
    const limiters = await app.guard.runtime.metrics.rateLimited.get();
    assert.equal(limiters.values.find((v) => v.labels.limiter === 'call')?.value, 1);

    t.mock.timers.tick(59 * 60_000);
    assertRefusal(await fetchSwml('+15551112222'));
    t.mock.timers.tick(60_000);
    assert.deepEqual(verbs(await fetchSwml('+15551112222')), ['answer', 'ai'], 'the hour ended');
  });

  it('global per minute: any caller over the rate gets the refusal SWML until the minute ends', async (t) => {
    const { fetchSwml, logs } = setup(t, { SWML_CALL_RATE_LIMIT: '2' });
    await fetchSwml('+15550000001');
    await fetchSwml('+15550000002');
    assertRefusal(await fetchSwml('+15550000003'));
    assertRefusal(await fetchSwml('+15550000004'));
    assert.deepEqual(
      logs.audit('call_limited').map((e) => [e.limiter, e.caller]),
      [
        ['global', '***0003'],
        ['global', '***0004'],
      ],
    );
    t.mock.timers.tick(60_000);
    assert.deepEqual(verbs(await fetchSwml('+15550000005')), ['answer', 'ai']);
  });

  it('GET fetches (no caller number) count on the global limit', async (t) => {
    const { app } = setup(t, { SWML_CALL_RATE_LIMIT: '1' });
    assert.deepEqual(verbs((await request(app).get('/').auth(USER, PASSWORD)).body as Swml), [
      'answer',
      'ai',
    ]);
    assertRefusal((await request(app).get('/').auth(USER, PASSWORD)).body as Swml);
  });
});
