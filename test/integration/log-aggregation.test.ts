// An unauthenticated flood, as the attacker ran it: refusals of one kind from one client become one line plus
// one summary per window; thousands of source addresses fold into "other clients"; the metrics count every one.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AGGREGATION } from '../../src/observability/refusal-aggregator.js';
import { PASSWORD, USER, testApp } from '../helpers/app.js';

function fakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['Date', 'setTimeout', 'setInterval'], now: Date.UTC(2030, 0, 1) });
}

type Logs = ReturnType<typeof testApp>['logs'];
const access = (logs: Logs) => logs.records.filter((r) => r.msg === 'request completed');
const summaries = (logs: Logs) => logs.records.filter((r) => r.summary === true);

async function counter(app: ReturnType<typeof testApp>['app'], name: string, labels: Record<string, string>) {
  const metric = app.guard.runtime.metrics.registry.getSingleMetric(name);
  const { values } = (await metric?.get()) ?? { values: [] };
  return values
    .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    .reduce((n, v) => n + ('value' in v ? v.value : 0), 0);
}

describe('aggregated refusals', () => {
  it('one client: 404s, 401s and 429s give one line each, then one summary per kind per window', async (t) => {
    fakeTime(t);
    const { app, logs } = testApp({ env: { SWML_RATE_LIMIT: '40', SWML_AUTH_FAILURE_LIMIT: '100000' } });
    t.after(() => app.guard.close());
    const N = 60;
    for (let i = 0; i < N; i++) {
      assert.equal((await request(app).get(`/wp-login.php?i=${i}`)).status, 404);
      const status = (await request(app).get('/').auth(USER, `guess-${i}`)).status;
      assert.ok(status === 401 || status === 429, String(status));
    }
    const linesDuringFlood = logs.lines.length;
    assert.deepEqual(
      access(logs)
        .map((r) => (r.res as { statusCode: number }).statusCode)
        .sort(),
      [401, 404, 429],
    );
    const security = logs.audit('security');
    assert.deepEqual(security.map((e) => [e.type, e.reason ?? e.limiter]).sort(), [
      ['auth_failure', 'invalid'],
      ['rate_limited', 'ip'],
    ]);
    assert.ok(linesDuringFlood < 10, `${linesDuringFlood} lines for ${2 * N} refused requests`);

    t.mock.timers.tick(AGGREGATION.windowMs);
    const sums = summaries(logs);
    const http = (status: number) => sums.find((s) => s.status === status && s.audit === undefined);
    assert.equal(http(404)?.count, N - 1);
    assert.equal(http(404)?.msg, `http 404 x ${N - 1} in 10 s`);
    assert.equal(Number(http(401)?.count) + Number(http(429)?.count) + 2, N);
    const limited = sums.find((s) => s.type === 'rate_limited');
    assert.equal(limited?.audit, true);
    assert.equal(limited?.event, 'security');
    assert.equal(limited?.limiter, 'ip');
    assert.match(String(limited?.ip), /127\.0\.0\.1$/);
    assert.match(String(limited?.msg), /^rate_limited x \d+ in 10 s$/);

    // The metrics count every request.
    const { values } = await app.guard.runtime.metrics.httpDuration.get();
    const timed = values
      .filter((v) => v.metricName === 'swml_http_request_duration_seconds_count')
      .reduce((n, v) => n + v.value, 0);
    assert.equal(timed, 2 * N, 'every request is timed');
    const ipLimited = await counter(app, 'swml_rate_limited_total', { limiter: 'ip' });
    const authFailures = await counter(app, 'swml_auth_failures_total', { layer: 'basic' });
    assert.equal(ipLimited + authFailures, N);
    assert.equal(await counter(app, 'swml_security_events_total', { event: 'auth_failure' }), authFailures);
    // Every refusal is accounted for in the log too: first lines plus summary counts.
    const authSummary = sums.find((s) => s.type === 'auth_failure');
    assert.equal(1 + Number(authSummary?.count ?? 0), authFailures);
  });

  it('thousands of source addresses: bounded first lines, the rest folded into one "other clients" line', async (t) => {
    fakeTime(t);
    const { app, logs } = testApp({ env: { SWML_TRUST_PROXY: '1', SWML_AUTH_FAILURE_LIMIT: '100000' } });
    t.after(() => app.guard.close());
    const clients = AGGREGATION.maxEntries * 3;
    for (let i = 0; i < clients; i++) {
      const ip = `10.9.${i >> 8}.${i & 255}`;
      assert.equal((await request(app).get('/').set('X-Forwarded-For', ip)).status, 401);
    }
    assert.equal(access(logs).length, AGGREGATION.maxEntries, 'access lines: one per tracked client');
    assert.equal(
      logs.audit('security').filter((e) => e.type === 'auth_failure').length,
      AGGREGATION.maxEntries,
      'audit lines: one per tracked client',
    );
    t.mock.timers.tick(AGGREGATION.windowMs);
    const other = summaries(logs).filter((s) => s.ip === null);
    assert.equal(other.length, 2, 'one "other clients" line for the access log, one for the audit log');
    for (const s of other) {
      assert.equal(s.count, clients - AGGREGATION.maxEntries);
      assert.match(String(s.msg), /from other clients$/);
    }
  });

  it('guard.close() writes the pending summaries (nothing lost at shutdown)', async (t) => {
    fakeTime(t);
    const { app, logs } = testApp();
    for (let i = 0; i < 5; i++) await request(app).get('/nope');
    assert.equal(summaries(logs).length, 0);
    await app.guard.close();
    assert.deepEqual(
      summaries(logs).map((s) => [s.status, s.count]),
      [[404, 4]],
    );
  });

  it('an authenticated caller is never aggregated: every call keeps its own line', async (t) => {
    fakeTime(t);
    const { app, logs } = testApp();
    t.after(() => app.guard.close());
    for (let i = 0; i < 5; i++) {
      await request(app)
        .post('/')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: `agg-${i}` } });
    }
    assert.equal(logs.audit('call_start').length, 5);
    assert.equal(access(logs).length, 5);
  });
});
