// Per caller per tool limit (SWML_CALLER_FUNCTION_LIMIT per minute, per-tool `rateLimit`): a SWAIG refusal.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import { PASSWORD, USER, swaigBody, testApp } from '../helpers/app.js';

const LIMITED = { response: "You've made too many requests. Please wait a moment." };

function agent(): AgentBase {
  const a = new AgentBase({ name: 'limits' });
  a.defineTool({ secure: false, name: 'lookup', description: 'default limit', handler: () => 'found' });
  a.defineTool({ secure: false, name: 'other', description: 'default limit', handler: () => 'other' });
  a.defineTool({
    secure: false,
    name: 'expensive',
    description: 'own limit',
    rateLimit: 1,
    handler: () => 'done',
  });
  return a;
}

function setup(t: TestContext, env: Record<string, string> = {}) {
  t.mock.timers.enable({ apis: ['Date', 'setTimeout', 'setInterval'], now: Date.UTC(2030, 0, 1) });
  const made = testApp({ agent: agent(), env: { SWML_CALLER_FUNCTION_LIMIT: '2', ...env } });
  t.after(() => made.app.guard.close());
  const call = (fn: string, caller = '+15551230000') =>
    request(made.app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody(fn, {}, { caller_id_num: caller }));
  return { ...made, call };
}

describe('per caller per tool limit', () => {
  it('allows the limit, then answers 200 with the refusal sentence, and resets after a minute', async (t) => {
    const { call, logs, app } = setup(t);
    assert.deepEqual((await call('lookup')).body, { response: 'found' });
    assert.deepEqual((await call('lookup')).body, { response: 'found' });
    const refused = await call('lookup');
    assert.equal(refused.status, 200, 'the AI must hear the refusal, not an HTTP error');
    assert.deepEqual(refused.body, LIMITED);

    const [event] = logs.audit('security').filter((e) => e.type === 'rate_limited');
    assert.equal(event?.limiter, 'caller');
    assert.equal(event?.function, 'lookup');
    assert.equal(event?.caller, '***0000', 'caller masked to the last 4 digits');
    const outcomes = logs.audit('function_call').map((e) => e.outcome);
    assert.deepEqual(outcomes, ['ok', 'ok', 'rate_limited']);
    const { values } = await app.guard.runtime.metrics.rateLimited.get();
    assert.equal(values.find((v) => v.labels.limiter === 'caller')?.value, 1);
    const calls = await app.guard.runtime.metrics.functionCalls.get();
    assert.equal(
      calls.values.find((v) => v.labels.function === 'lookup' && v.labels.outcome === 'rate_limited')?.value,
      1,
    );

    t.mock.timers.tick(59_000);
    assert.deepEqual((await call('lookup')).body, LIMITED, 'inside the window');
    t.mock.timers.tick(1_000);
    assert.deepEqual((await call('lookup')).body, { response: 'found' }, 'the window ended');
  });

  it('counts each caller and each tool separately', async (t) => {
    const { call } = setup(t);
    await call('lookup');
    await call('lookup');
    assert.deepEqual((await call('lookup')).body, LIMITED);
    assert.deepEqual((await call('lookup', '+15559998888')).body, { response: 'found' }, 'another caller');
    assert.deepEqual((await call('other')).body, { response: 'other' }, 'another tool');
  });

  it('a tool`s rateLimit overrides SWML_CALLER_FUNCTION_LIMIT', async (t) => {
    const { call } = setup(t, { SWML_CALLER_FUNCTION_LIMIT: '100' });
    assert.deepEqual((await call('expensive')).body, { response: 'done' });
    assert.deepEqual((await call('expensive')).body, LIMITED);
    for (let i = 0; i < 5; i++) assert.deepEqual((await call('lookup')).body, { response: 'found' });
  });

  it('is checked after the token: a refused token does not use the caller`s budget', async (t) => {
    t.mock.timers.enable({ apis: ['Date', 'setTimeout', 'setInterval'], now: Date.UTC(2030, 0, 1) });
    const { app } = testApp({ env: { SWML_CALLER_FUNCTION_LIMIT: '1' } });
    t.after(() => app.guard.close());
    for (let i = 0; i < 3; i++) {
      const res = await request(app)
        .post('/swaig')
        .auth(USER, PASSWORD)
        .send(swaigBody('transfer_funds', { amount: 1, to_account: '1234567890' }));
      assert.equal(res.status, 403);
    }
    const open = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('get_balance'));
    assert.deepEqual(open.body, { response: 'Your balance is $150.00' });
  });
});
