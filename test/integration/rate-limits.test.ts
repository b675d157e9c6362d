// HTTP-level limiters: per client IP (draft-8 headers) and failed Basic Auth, keyed on the real client.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { PASSWORD, USER, testApp } from '../helpers/app.js';

const MINUTE = 60_000;
const FIFTEEN_MINUTES = 15 * MINUTE;
/** draft-8: quota 3 per 60 s, with the partition key (a hash of the client key, never the address). */
const POLICY = /^"ip"; q=3; w=60; pk=:[A-Za-z0-9+/=]+:$/;

function fakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['Date', 'setTimeout', 'setInterval'], now: Date.UTC(2030, 0, 1) });
}

async function limitedCount(app: ReturnType<typeof testApp>['app'], limiter: string): Promise<number> {
  const { values } = await app.guard.runtime.metrics.rateLimited.get();
  return values.find((v) => v.labels.limiter === limiter)?.value ?? 0;
}

describe('per-IP rate limit (SWML_RATE_LIMIT per minute)', () => {
  it('allows exactly the limit, then 429 with draft-8 headers and Retry-After, and resets after the window', async (t) => {
    fakeTime(t);
    const { app, logs } = testApp({ env: { SWML_RATE_LIMIT: '3' } });
    t.after(() => app.guard.close());
    for (let i = 1; i <= 3; i++) {
      const res = await request(app).get('/').auth(USER, PASSWORD);
      assert.equal(res.status, 200, `request ${i}`);
      assert.match(res.headers['ratelimit-policy'] ?? '', POLICY);
      assert.equal(res.headers.ratelimit, `"ip"; r=${3 - i}; t=60`);
    }
    const limited = await request(app).get('/').auth(USER, PASSWORD);
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, { error: 'too many requests' });
    assert.match(limited.headers['ratelimit-policy'] ?? '', POLICY);
    assert.equal(limited.headers.ratelimit, '"ip"; r=0; t=60');
    assert.equal(limited.headers['retry-after'], '60');
    assert.equal(limited.headers['x-ratelimit-limit'], undefined, 'no legacy headers');
    assert.equal(await limitedCount(app, 'ip'), 1);
    const [event] = logs.audit('security').filter((e) => e.type === 'rate_limited');
    assert.equal(event?.limiter, 'ip');
    assert.match(String(event?.ip), /^(::ffff:)?127\.0\.0\.1$/);

    // Every webhook shares the client's budget.
    assert.equal((await request(app).post('/swaig').auth(USER, PASSWORD).send({})).status, 429);
    assert.equal((await request(app).post('/post_prompt').auth(USER, PASSWORD).send({})).status, 429);

    t.mock.timers.tick(MINUTE - 1000);
    assert.equal((await request(app).get('/').auth(USER, PASSWORD)).status, 429, 'still inside the window');
    t.mock.timers.tick(1000);
    const after = await request(app).get('/').auth(USER, PASSWORD);
    assert.equal(after.status, 200, 'the window ended');
    assert.equal(after.headers.ratelimit, '"ip"; r=2; t=60');
  });

  it('does not limit /health or /ready', async (t) => {
    fakeTime(t);
    const { app } = testApp({ env: { SWML_RATE_LIMIT: '1' } });
    t.after(() => app.guard.close());
    for (let i = 0; i < 3; i++) assert.equal((await request(app).get('/health')).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await request(app).get('/ready')).status, 200);
  });
});

describe('failed Basic Auth limit (SWML_AUTH_FAILURE_LIMIT per 15 minutes)', () => {
  it('after the limit, the correct password gets 429 until the window ends', async (t) => {
    fakeTime(t);
    const { app, logs } = testApp({ env: { SWML_AUTH_FAILURE_LIMIT: '3' } });
    t.after(() => app.guard.close());
    assert.equal((await request(app).get('/').auth(USER, PASSWORD)).status, 200, 'right password first');
    for (let i = 0; i < 2; i++) {
      assert.equal((await request(app).get('/').auth(USER, `wrong-${i}`)).status, 401);
    }
    assert.equal((await request(app).get('/').auth(USER, PASSWORD)).status, 200, 'two failures: still fine');
    assert.equal((await request(app).get('/').auth(USER, 'wrong-2')).status, 401);

    const blocked = await request(app).get('/').auth(USER, PASSWORD);
    assert.equal(blocked.status, 429, 'the correct password is refused once over the limit');
    assert.equal(blocked.headers['ratelimit-policy'], '"auth";q=3;w=900');
    assert.equal(blocked.headers.ratelimit, '"auth";r=0;t=900');
    assert.equal(blocked.headers['retry-after'], '900');
    assert.equal(blocked.headers['www-authenticate'], undefined, 'no credential prompt while blocked');
    assert.equal(await limitedCount(app, 'auth'), 1);
    // Three failures, same kind, same client: the first in full, the rest aggregated (metrics count all).
    assert.equal(logs.audit('security').filter((e) => e.type === 'auth_failure').length, 1);
    const authFailures = await app.guard.runtime.metrics.authFailures.get();
    assert.equal(
      authFailures.values.find((v) => v.labels.layer === 'basic' && v.labels.reason === 'invalid')?.value,
      3,
    );
    assert.equal(
      logs.audit('security').filter((e) => e.type === 'rate_limited' && e.limiter === 'auth').length,
      1,
    );
    // Other routes and wrong passwords are refused the same way (no more guessing).
    assert.equal((await request(app).post('/swaig').auth(USER, 'wrong-3').send({})).status, 429);

    t.mock.timers.tick(FIFTEEN_MINUTES - 60_000);
    const late = await request(app).get('/').auth(USER, PASSWORD);
    assert.equal(late.status, 429, 'one minute before the window ends');
    assert.equal(late.headers['retry-after'], '60');
    t.mock.timers.tick(60_000);
    assert.equal((await request(app).get('/').auth(USER, PASSWORD)).status, 200, 'the window ended');
  });

  it('successful requests do not count', async (t) => {
    fakeTime(t);
    const { app } = testApp({ env: { SWML_AUTH_FAILURE_LIMIT: '1' } });
    t.after(() => app.guard.close());
    for (let i = 0; i < 5; i++) assert.equal((await request(app).get('/').auth(USER, PASSWORD)).status, 200);
    assert.equal((await request(app).get('/').auth(USER, 'wrong')).status, 401);
    assert.equal((await request(app).get('/').auth(USER, PASSWORD)).status, 429);
  });
});

describe('limits are keyed on the real client, not on a spoofable header', () => {
  it('SWML_TRUST_PROXY=0: X-Forwarded-For is ignored for the IP limit', async (t) => {
    fakeTime(t);
    const { app, logs } = testApp({ env: { SWML_RATE_LIMIT: '2', SWML_TRUST_PROXY: '0' } });
    t.after(() => app.guard.close());
    const spoofs = ['203.0.113.1', '203.0.113.2', '198.51.100.7'];
    const statuses = [];
    for (const ip of spoofs) {
      statuses.push((await request(app).get('/').set('X-Forwarded-For', ip).auth(USER, PASSWORD)).status);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    for (const line of logs.audit())
      assert.ok(!String(line.ip).includes('203.0.113'), 'audit ip is the socket');
  });

  it('SWML_TRUST_PROXY=0: X-Forwarded-For does not escape the failed-auth block', async (t) => {
    fakeTime(t);
    const { app } = testApp({ env: { SWML_AUTH_FAILURE_LIMIT: '2', SWML_TRUST_PROXY: '0' } });
    t.after(() => app.guard.close());
    await request(app).get('/').set('X-Forwarded-For', '203.0.113.1').auth(USER, 'x');
    await request(app).get('/').set('X-Forwarded-For', '203.0.113.2').auth(USER, 'y');
    const res = await request(app).get('/').set('X-Forwarded-For', '203.0.113.3').auth(USER, PASSWORD);
    assert.equal(res.status, 429);
  });

  it('SWML_TRUST_PROXY=1: the address the trusted hop appended is the key; earlier entries are not', async (t) => {
    fakeTime(t);
    const { app, logs } = testApp({ env: { SWML_RATE_LIMIT: '2', SWML_TRUST_PROXY: '1' } });
    t.after(() => app.guard.close());
    const get = (xff: string) => request(app).get('/').set('X-Forwarded-For', xff).auth(USER, PASSWORD);
    assert.equal((await get('203.0.113.1')).status, 200);
    // The client forged a left-most entry; the proxy appended the real one: still 203.0.113.1.
    assert.equal((await get('10.9.9.9, 203.0.113.1')).status, 200);
    assert.equal((await get('203.0.113.1')).status, 429);
    assert.equal((await get('203.0.113.2')).status, 200, 'another client has its own budget');
    assert.equal((await get('10.9.9.9, 203.0.113.2')).status, 200);
    assert.equal((await get('10.8.8.8, 203.0.113.2')).status, 429);
    const limited = logs.audit('security').filter((e) => e.type === 'rate_limited');
    assert.deepEqual(
      limited.map((e) => e.ip),
      ['203.0.113.1', '203.0.113.2'],
    );
  });
});
