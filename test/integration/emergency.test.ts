// Emergency mode: env levels, disabled tools, and the admin endpoint switching them at runtime.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ADMIN_TOKEN, PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';

const BLOCKED = { response: 'This service is temporarily unavailable.' };
const TRANSFER = { amount: 5, to_account: '1234567890' };
type App = ReturnType<typeof testApp>['app'];

/** Fetches SWML for a new call; returns the verbs and a caller for each tool (secure ones with their token). */
async function startCall(app: App, callId: string) {
  const res = await request(app)
    .post('/')
    .auth(USER, PASSWORD)
    .send({ call: { call_id: callId, from: '+15551234567' } });
  const main = (res.body as { sections: { main: Record<string, unknown>[] } }).sections.main;
  const verbs = main.map((v) => Object.keys(v)[0]);
  const call = (fn: string, args: Record<string, unknown> = {}) => {
    const path = verbs.includes('ai') && fn !== 'get_balance' ? tokenFor(res.body, fn).path : '/swaig';
    return request(app)
      .post(path)
      .auth(USER, PASSWORD)
      .send(swaigBody(fn, args, { call_id: callId }));
  };
  return { verbs, call };
}

/** POSTs to the internal app; `token: null` sends no Authorization header. */
function admin(app: App, path: string, body: unknown, token: string | null = ADMIN_TOKEN) {
  const req = request(app.guard.internal).post(path);
  if (token !== null) void req.set('Authorization', `Bearer ${token}`);
  return req.send(body as object);
}

async function gauge(app: App): Promise<Record<string, number>> {
  const text = (await request(app.guard.internal).get('/metrics')).text;
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^swml_emergency_mode\{level="(\w+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('emergency levels from the environment', () => {
  it('AGENT_EMERGENCY_MODE=false blocks nothing', async () => {
    const { app } = testApp({ env: { AGENT_EMERGENCY_MODE: 'false' } });
    const { verbs, call } = await startCall(app, 'c-off');
    assert.deepEqual(verbs, ['answer', 'ai']);
    assert.deepEqual((await call('get_balance')).body, { response: 'Your balance is $150.00' });
    assert.deepEqual((await call('transfer_funds', TRANSFER)).body, {
      response: 'Transferred $5 to account 1234567890',
    });
    assert.deepEqual(await gauge(app), { secure: 0, all: 0 });
  });

  it('AGENT_EMERGENCY_MODE=true blocks every secure tool (even with a valid token) and nothing else', async () => {
    const { app, logs } = testApp({ env: { AGENT_EMERGENCY_MODE: 'true' } });
    const { verbs, call } = await startCall(app, 'c-secure');
    assert.deepEqual(verbs, ['answer', 'ai'], 'calls still start');
    assert.deepEqual((await call('get_balance')).body, { response: 'Your balance is $150.00' });
    for (const [fn, args] of [
      ['transfer_funds', TRANSFER],
      ['change_password', { new_password: 'a-new-password-123' }],
      ['delete_account', { verification_code: '1234' }],
    ] as const) {
      const res = await call(fn, args);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, BLOCKED, fn);
    }
    const blocks = logs.audit('security').filter((e) => e.type === 'emergency_block');
    assert.deepEqual(
      blocks.map((e) => [e.function, e.level]),
      [
        ['transfer_funds', 'secure'],
        ['change_password', 'secure'],
        ['delete_account', 'secure'],
      ],
    );
    assert.deepEqual(
      logs.audit('function_call').map((e) => e.outcome),
      ['ok', 'emergency_blocked', 'emergency_blocked', 'emergency_blocked'],
    );
    assert.deepEqual(await gauge(app), { secure: 1, all: 0 });
  });

  it('AGENT_EMERGENCY_MODE=all blocks every tool and answers SWML with a refusal', async () => {
    const { app, logs } = testApp({ env: { AGENT_EMERGENCY_MODE: 'all' } });
    const { verbs } = await startCall(app, 'c-all');
    assert.deepEqual(verbs, ['answer', 'play', 'hangup']);
    const open = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('get_balance'));
    assert.deepEqual(open.body, BLOCKED);
    const [swmlBlock] = logs.audit('security').filter((e) => e.route === 'swml');
    assert.equal(swmlBlock?.type, 'emergency_block');
    assert.equal(swmlBlock?.caller, '***4567');
    assert.equal(logs.audit('call_start').length, 0, 'no AI session started');
    const { values } = await app.guard.runtime.metrics.callsStarted.get();
    assert.equal(values.find((v) => v.labels.outcome === 'emergency')?.value, 1);
    assert.deepEqual(await gauge(app), { secure: 0, all: 1 });
  });

  it('AGENT_DISABLED_FUNCTIONS blocks exactly the listed tools', async () => {
    const { app } = testApp({ env: { AGENT_DISABLED_FUNCTIONS: 'get_balance, delete_account' } });
    const { call } = await startCall(app, 'c-disabled');
    assert.deepEqual((await call('get_balance')).body, BLOCKED);
    assert.deepEqual((await call('delete_account', { verification_code: '1234' })).body, BLOCKED);
    assert.notDeepEqual((await call('transfer_funds', TRANSFER)).body, BLOCKED);
    assert.notDeepEqual((await call('change_password', { new_password: 'another-pass-1' })).body, BLOCKED);
  });
});

describe('admin endpoint on the internal port', () => {
  it('switches the level at runtime; every change is audited and the gauge follows', async () => {
    const { app, logs } = testApp();
    const { call } = await startCall(app, 'c-admin');
    assert.notDeepEqual((await call('transfer_funds', TRANSFER)).body, BLOCKED);

    const secure = await admin(app, '/admin/emergency', { level: 'secure', reason: 'fraud spike' });
    assert.equal(secure.status, 200);
    assert.equal(secure.body.level, 'secure');
    assert.deepEqual((await call('transfer_funds', TRANSFER)).body, BLOCKED);
    assert.deepEqual((await call('get_balance')).body, { response: 'Your balance is $150.00' });
    assert.deepEqual(await gauge(app), { secure: 1, all: 0 });

    assert.equal((await admin(app, '/admin/emergency', { level: 'all' })).status, 200);
    assert.deepEqual((await startCall(app, 'c-admin-2')).verbs, ['answer', 'play', 'hangup']);
    assert.deepEqual((await call('get_balance')).body, BLOCKED);
    assert.deepEqual(await gauge(app), { secure: 0, all: 1 });

    assert.equal((await admin(app, '/admin/emergency', { level: 'off', reason: 'resolved' })).status, 200);
    assert.deepEqual((await startCall(app, 'c-admin-3')).verbs, ['answer', 'ai']);
    assert.notDeepEqual((await call('transfer_funds', TRANSFER)).body, BLOCKED);
    assert.deepEqual(await gauge(app), { secure: 0, all: 0 });

    const changes = logs.audit('emergency_mode_changed');
    assert.deepEqual(
      changes.map((e) => [e.from, e.to, e.reason, e.via]),
      [
        ['off', 'secure', 'fraud spike', 'admin'],
        ['secure', 'all', undefined, 'admin'],
        ['all', 'off', 'resolved', 'admin'],
      ],
    );
    for (const e of changes) {
      assert.equal(typeof e.time, 'string');
      assert.equal(typeof e.request_id, 'string');
      assert.match(String(e.ip), /127\.0\.0\.1$/);
    }
    const status = await request(app.guard.internal)
      .get('/admin/status')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    assert.equal(status.body.level, 'off');
    assert.equal(status.body.shared_state, 'memory');
  });

  it('disables and re-enables one tool at runtime, audited', async () => {
    const { app, logs } = testApp();
    const { call } = await startCall(app, 'c-fn');
    const off = await admin(app, '/admin/functions/get_balance', { enabled: false });
    assert.equal(off.status, 200);
    assert.deepEqual(off.body.disabled_functions, ['get_balance']);
    assert.deepEqual((await call('get_balance')).body, BLOCKED);
    assert.notDeepEqual((await call('transfer_funds', TRANSFER)).body, BLOCKED, 'others unaffected');
    assert.equal((await admin(app, '/admin/functions/get_balance', { enabled: true })).status, 200);
    assert.deepEqual((await call('get_balance')).body, { response: 'Your balance is $150.00' });
    assert.deepEqual(
      logs.audit('emergency_mode_changed').map((e) => [e.function, e.enabled]),
      [
        ['get_balance', false],
        ['get_balance', true],
      ],
    );
  });

  it('refuses a wrong or missing admin token with 401 and changes nothing', async () => {
    const { app, logs } = testApp();
    for (const token of [null, 'wrong-token', `${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), '']) {
      const res = await admin(app, '/admin/emergency', { level: 'all' }, token);
      assert.equal(res.status, 401, String(token));
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="swml-guard-admin"');
      const fn = await admin(app, '/admin/functions/get_balance', { enabled: false }, token);
      assert.equal(fn.status, 401);
    }
    const basic = await request(app.guard.internal)
      .post('/admin/emergency')
      .auth(USER, PASSWORD)
      .send({ level: 'all' });
    assert.equal(basic.status, 401, 'Basic credentials are not the admin token');
    assert.equal(app.guard.runtime.state.emergency.level(), 'off');
    assert.deepEqual(app.guard.runtime.state.emergency.disabledFunctions(), []);
    assert.equal(logs.audit('emergency_mode_changed').length, 0);
    // 11 refusals of two kinds (missing, invalid) from one client: one full line per kind, the rest
    // aggregated into a summary at the end of the window; every one is counted in the metric.
    const failures = logs.audit('security').filter((e) => e.type === 'auth_failure' && e.layer === 'admin');
    assert.deepEqual(failures.map((e) => e.reason).sort(), ['invalid', 'missing']);
    const events = await app.guard.runtime.metrics.securityEvents.get();
    assert.equal(events.values.find((v) => v.labels.event === 'auth_failure')?.value, 11);
    app.guard.runtime.audit.close();
    const summaries = logs.audit('security').filter((e) => e.summary === true && e.layer === 'admin');
    assert.equal(
      summaries.reduce((n, e) => n + Number(e.count), failures.length),
      11,
      'nothing uncounted',
    );
    const lower = await request(app.guard.internal)
      .post('/admin/emergency')
      .set('Authorization', `bearer ${ADMIN_TOKEN}`)
      .send({ level: 'secure' });
    assert.equal(lower.status, 200, 'the scheme name is case-insensitive');
  });

  it('rejects bad requests: unknown level, long reason, unknown tool, non-boolean enabled', async () => {
    const { app } = testApp();
    assert.equal((await admin(app, '/admin/emergency', { level: 'panic' })).status, 400);
    assert.equal((await admin(app, '/admin/emergency', { level: 'true' })).status, 400);
    assert.equal(
      (await admin(app, '/admin/emergency', { level: 'all', reason: 'x'.repeat(501) })).status,
      400,
    );
    assert.equal((await admin(app, '/admin/functions/no_such_tool', { enabled: false })).status, 404);
    assert.equal((await admin(app, '/admin/functions/get_balance', { enabled: 'no' })).status, 400);
    assert.equal(app.guard.runtime.state.emergency.level(), 'off');
  });

  it('is disabled (404) when SWML_ADMIN_TOKEN is unset; /metrics still answers', async () => {
    const { app } = testApp({ env: { SWML_ADMIN_TOKEN: undefined } });
    assert.equal((await admin(app, '/admin/emergency', { level: 'all' }, 'anything')).status, 404);
    assert.equal((await admin(app, '/admin/emergency', { level: 'all' }, null)).status, 404);
    assert.equal((await request(app.guard.internal).get('/admin/status')).status, 404);
    assert.equal((await request(app.guard.internal).get('/metrics')).status, 200);
    assert.equal(app.guard.runtime.state.emergency.level(), 'off');
  });

  it('is not reachable on the agent port', async () => {
    const { app } = testApp();
    const res = await request(app)
      .post('/admin/emergency')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ level: 'all' });
    assert.equal(res.status, 404);
    assert.equal(app.guard.runtime.state.emergency.level(), 'off');
  });
});
