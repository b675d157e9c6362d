// A new security layer is one file plus one line: an IP allow-list unit added through createApp's `units`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
// As a user's project would: the unit's shape and refusal() from the package entry.
import { createApp, refusal, type Unit } from '../../src/index.js';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { ADMIN_TOKEN, LogCapture, PASSWORD, TOKEN_SECRET, USER } from '../helpers/app.js';

/** The "one file": what src/security/ip-allow-list.ts would hold (docs/architecture.md shows it). */
function ipAllowList(allowed: readonly string[]): Unit {
  const set = new Set(allowed);
  const refused = refusal(403, { audit: 'ip_not_allowed' });
  return { name: 'ip-allow-list', run: (_req, _res, state) => (set.has(state.ip) ? undefined : refused) };
}

function appWith(allowed: readonly string[]) {
  const logs = new LogCapture();
  const agent = createBankAgent().declareSecurityEvent('ip_not_allowed');
  const env = {
    SWML_BASIC_AUTH_PASSWORD: PASSWORD,
    SWML_TOKEN_SECRET: TOKEN_SECRET,
    SWML_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'info',
  };
  // The "one line": the unit in the list every webhook pipeline runs.
  const app = createApp(agent, { env, logDestination: logs, print: () => {}, units: [ipAllowList(allowed)] });
  return { app, logs };
}

async function counter(app: ReturnType<typeof appWith>['app'], name: string, labels: Record<string, string>) {
  const { values } = await app.guard.runtime.metrics.registry.getSingleMetric(name)!.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return hit?.value ?? 0;
}

describe('an extra unit (IP allow-list) through the one pipeline shape', () => {
  it('a client not on the list gets the shared 403 before Basic Auth, audited and counted by the shared hook', async (t) => {
    const { app, logs } = appWith(['203.0.113.7']);
    t.after(() => app.guard.close());
    const res = await request(app).post('/swaig').auth(USER, PASSWORD).send({});
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { error: 'forbidden' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff', 'answered by the one responder');
    const [event] = logs.audit('security');
    assert.equal(event?.type, 'ip_not_allowed');
    assert.match(String(event?.ip), /127\.0\.0\.1$/);
    assert.equal(await counter(app, 'swml_security_events_total', { event: 'ip_not_allowed' }), 1);
    // Before Basic Auth: no credentials still gives 403, never 401, and no auth failure is counted.
    const anonymous = await request(app).get('/');
    assert.equal(anonymous.status, 403);
    assert.equal(await counter(app, 'swml_auth_failures_total', { layer: 'basic', reason: 'missing' }), 0);
    // Probes are not webhooks: the unit is not on their pipeline.
    assert.equal((await request(app).get('/health')).status, 200);
  });

  it('a client on the list passes through to the rest of the pipeline unchanged', async (t) => {
    const { app, logs } = appWith(['127.0.0.1', '::ffff:127.0.0.1', '::1']);
    t.after(() => app.guard.close());
    assert.equal((await request(app).get('/')).status, 401, 'Basic Auth still runs after it');
    const ok = await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'c-1' } });
    assert.equal(ok.status, 200);
    assert.ok(ok.body.sections, 'a SWML document');
    assert.equal(logs.audit('security').filter((e) => e.type === 'ip_not_allowed').length, 0);
  });
});
