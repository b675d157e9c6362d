// Shared state that cannot answer (Redis down), without a Redis server: each path's documented decision.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from 'express-rate-limit';
import request from 'supertest';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { createApp } from '../../src/http/app.js';
import { MemoryEmergencyStore } from '../../src/state/memory.js';
import type { SharedState } from '../../src/state/types.js';
import {
  ADMIN_TOKEN,
  LogCapture,
  PASSWORD,
  TOKEN_SECRET,
  USER,
  swaigBody,
  tokenFor,
} from '../helpers/app.js';

const down = () =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));

function brokenStore(): Store {
  return { init: () => undefined, get: down, increment: down, decrement: down, resetKey: down };
}

function brokenState(): SharedState {
  return {
    kind: 'redis',
    revocations: { revokeCall: down, isRevoked: down },
    sessions: { bind: down },
    emergency: new MemoryEmergencyStore('off', []),
    limiterStore: brokenStore,
    close: () => Promise.resolve(),
  };
}

function setup() {
  const logs = new LogCapture();
  const app = createApp(createBankAgent(), {
    env: {
      SWML_BASIC_AUTH_PASSWORD: PASSWORD,
      SWML_TOKEN_SECRET: TOKEN_SECRET,
      SWML_ADMIN_TOKEN: ADMIN_TOKEN,
      SWML_RATE_LIMIT: '1',
      SWML_AUTH_FAILURE_LIMIT: '1',
      SWML_CALLER_FUNCTION_LIMIT: '1',
      SWML_CALLER_CALL_LIMIT: '1',
      SWML_CALL_RATE_LIMIT: '1',
    },
    logDestination: logs,
    state: brokenState(),
  });
  const outage = (path: string) =>
    logs.records.filter((r) => r.shared_state === 'unavailable' && r.path === path);
  return { app, logs, outage };
}

describe('shared state unavailable', () => {
  it('per-IP and failed-auth limits fail open, logged once per path', async () => {
    const { app, outage } = setup();
    for (let i = 0; i < 3; i++) assert.equal((await request(app).get('/').auth(USER, 'wrong')).status, 401);
    for (let i = 0; i < 3; i++) assert.equal((await request(app).get('/').auth(USER, PASSWORD)).status, 200);
    assert.equal(outage('ip_limit').length, 1);
    assert.equal(outage('auth_limit').length, 1);
    assert.equal(outage('auth_limit_record').length, 1);
    assert.match(String(outage('ip_limit')[0]?.msg), /per-IP rate limit not applied \(fail open\)/);
  });

  it('call limits fail open: calls start', async () => {
    const { app, outage } = setup();
    for (let i = 0; i < 3; i++) {
      const res = await request(app)
        .post('/')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: `c${i}`, from: '+15550001111' } });
      assert.ok(JSON.stringify(res.body).includes('"ai"'));
    }
    assert.equal(outage('call_limit').length, 1);
  });

  it('the per-caller tool limit fails open: the tool answers', async () => {
    const { app, outage } = setup();
    for (let i = 0; i < 3; i++) {
      const res = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('get_balance'));
      assert.deepEqual(res.body, { response: 'Your balance is $150.00' });
    }
    assert.equal(outage('caller_limit').length, 1);
  });

  it('the revocation check fails closed: a valid token for a secure tool gets 403, with the reason audited', async () => {
    const { app, logs, outage } = setup();
    const swml = (
      await request(app)
        .post('/')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: 'c-closed' } })
    ).body;
    const res = await request(app)
      .post(tokenFor(swml, 'transfer_funds').path)
      .auth(USER, PASSWORD)
      .send(swaigBody('transfer_funds', { amount: 1, to_account: '1234567890' }, { call_id: 'c-closed' }));
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { error: 'forbidden' });
    const [event] = logs.audit('security').filter((e) => e.type === 'token_rejected');
    assert.equal(event?.reason, 'revocation_unavailable');
    const { values } = await app.guard.runtime.metrics.authFailures.get();
    assert.equal(values.find((v) => v.labels.layer === 'token' && v.labels.reason === 'revoked')?.value, 1);
    assert.equal(outage('revocation_check').length, 1);
    assert.match(String(outage('revocation_check')[0]?.msg), /fail closed/);
    assert.equal(logs.audit('function_call').length, 0, 'the handler never ran');
  });
});
