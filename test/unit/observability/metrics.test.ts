import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ADMIN_TOKEN, PASSWORD, USER, swaigBody, testApp, tokenFor } from '../../helpers/app.js';
import { counterDiff, scrape } from '../../helpers/metrics.js';

describe('metrics', () => {
  it('pre-initialises every series of SPEC 9 at zero', async () => {
    const { app } = testApp();
    const s = await scrape(app);
    for (const layer of ['basic', 'token', 'signature']) {
      for (const reason of [
        'missing',
        'invalid',
        'malformed',
        'expired',
        'wrong_call',
        'wrong_function',
        'revoked',
        'unknown_key',
      ]) {
        assert.equal(s.get(`swml_auth_failures_total{layer="${layer}",reason="${reason}"}`), 0);
      }
    }
    for (const fn of ['get_balance', 'transfer_funds', 'change_password', 'delete_account']) {
      for (const outcome of [
        'ok',
        'error',
        'timeout',
        'denied',
        'invalid_args',
        'rate_limited',
        'emergency_blocked',
      ]) {
        assert.equal(s.get(`swml_function_calls_total{function="${fn}",outcome="${outcome}"}`), 0);
      }
      assert.equal(s.get(`swml_function_duration_seconds_count{function="${fn}"}`), 0);
    }
    for (const outcome of ['ok', 'limited', 'emergency'])
      assert.equal(s.get(`swml_calls_started_total{outcome="${outcome}"}`), 0);
    for (const limiter of ['ip', 'auth', 'caller', 'call', 'global'])
      assert.equal(s.get(`swml_rate_limited_total{limiter="${limiter}"}`), 0);
    assert.equal(s.get('swml_security_events_total{event="large_transaction_attempt"}'), 0);
    assert.equal(s.get('swml_emergency_mode{level="secure"}'), 0);
    assert.equal(s.get('swml_emergency_mode{level="all"}'), 0);
    assert.equal(s.get('swml_function_info{function="transfer_funds",secure="true"}'), 1);
    assert.equal(s.get('swml_function_info{function="get_balance",secure="false"}'), 1);
    assert.ok([...s.keys()].some((k) => k.startsWith('swml_build_info{version="')));
    assert.ok(s.has('swml_process_cpu_user_seconds_total'));
    assert.ok([...s.keys()].some((k) => k.startsWith('swml_nodejs_eventloop_lag_seconds')));
  });

  it('counts exactly what a scripted series of requests did', async () => {
    const { app } = testApp({ env: { SWML_CALLER_FUNCTION_LIMIT: '2' } });
    const before = await scrape(app);
    // 1. failed Basic Auth
    await request(app).get('/').auth(USER, 'wrong').expect(401);
    // 2. a call starts; an ok tool call
    const swml = await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'm-1', from: '+15550001234' } })
      .expect(200);
    await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('get_balance', {}, { caller_id_num: '+1000' }))
      .expect(200);
    // 3. token rejection: transfer token used for another call
    const { path } = tokenFor(swml.body, 'transfer_funds');
    await request(app)
      .post(path)
      .auth(USER, PASSWORD)
      .send(swaigBody('transfer_funds', { amount: 1, to_account: '1234567890' }, { call_id: 'other' }))
      .expect(403);
    // 4. per-caller rate limit (limit 2 per minute: third call refused)
    for (let i = 0; i < 2; i++) {
      await request(app)
        .post('/swaig')
        .auth(USER, PASSWORD)
        .send(swaigBody('get_balance', {}, { caller_id_num: '+2000' }))
        .expect(200);
    }
    // 5. emergency block through the admin endpoint
    await request(app.guard.internal)
      .post('/admin/emergency')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ level: 'all', reason: 'test' })
      .expect(200);
    await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('get_balance', {}, { caller_id_num: '+3000' }))
      .expect(200);

    const after = await scrape(app);
    assert.deepEqual(counterDiff(before, after), {
      'swml_auth_failures_total{layer="basic",reason="invalid"}': 1,
      'swml_auth_failures_total{layer="token",reason="wrong_call"}': 1,
      'swml_calls_started_total{outcome="ok"}': 1,
      'swml_function_calls_total{function="get_balance",outcome="ok"}': 3,
      'swml_function_calls_total{function="get_balance",outcome="emergency_blocked"}': 1,
      'swml_function_calls_total{function="transfer_funds",outcome="denied"}': 1,
      'swml_security_events_total{event="auth_failure"}': 1,
      'swml_security_events_total{event="token_rejected"}': 1,
      'swml_security_events_total{event="emergency_block"}': 1,
    });
    assert.equal(after.get('swml_emergency_mode{level="all"}'), 1);
    assert.equal(after.get('swml_emergency_mode{level="secure"}'), 0);
  });

  it('counts the per-caller limit once, as rate_limited', async () => {
    const { app } = testApp({ env: { SWML_CALLER_FUNCTION_LIMIT: '1' } });
    const before = await scrape(app);
    const send = () =>
      request(app)
        .post('/swaig')
        .auth(USER, PASSWORD)
        .send(swaigBody('get_balance', {}, { caller_id_num: '+4000' }));
    await send().expect(200);
    const limited = await send().expect(200);
    assert.deepEqual(limited.body, { response: "You've made too many requests. Please wait a moment." });
    const diff = counterDiff(before, await scrape(app));
    assert.deepEqual(diff, {
      'swml_function_calls_total{function="get_balance",outcome="ok"}': 1,
      'swml_function_calls_total{function="get_balance",outcome="rate_limited"}': 1,
      'swml_rate_limited_total{limiter="caller"}': 1,
      'swml_security_events_total{event="rate_limited"}': 1,
    });
  });

  it('is served on the internal app only, never on the agent port', async () => {
    const { app } = testApp();
    await request(app).get('/metrics').auth(USER, PASSWORD).expect(404);
  });
});
