// Audit log: one well-formed event per function call and per refusal, masked callers (the file: audit-file.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import { PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';

const CALLER = '+15558675309';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type App = ReturnType<typeof testApp>['app'];

/** Every audit line has the same identity fields; `time` is ISO-8601. */
function assertWellFormed(e: Record<string, unknown>): void {
  assert.equal(e.audit, true);
  assert.equal(typeof e.event, 'string');
  assert.ok(typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time)), `time: ${String(e.time)}`);
  for (const key of ['call_id', 'request_id', 'ip']) assert.ok(key in e, `${key} in ${JSON.stringify(e)}`);
  if ('caller' in e) assert.match(e.caller as string, /^\*\*\*\d{4}$/);
}

/** Runs one call through every outcome; returns the SWML body. */
async function driveCall(app: App, callId: string) {
  const swml = await request(app)
    .post('/')
    .set('X-Request-Id', 'req-swml.1')
    .auth(USER, PASSWORD)
    .send({ call: { call_id: callId, from: CALLER } });
  const swaig = (path: string, fn: string, args: Record<string, unknown>) =>
    request(app)
      .post(path)
      .auth(USER, PASSWORD)
      .send(swaigBody(fn, args, { call_id: callId, caller_id_num: CALLER }));
  const transfer = tokenFor(swml.body, 'transfer_funds').path;
  await swaig('/swaig', 'get_balance', {}); // ok
  await swaig(transfer, 'transfer_funds', { amount: 5, to_account: '1234567890' }); // ok
  await swaig(transfer, 'transfer_funds', { amount: -1, to_account: 'x' }); // invalid arguments
  await swaig('/swaig', 'transfer_funds', { amount: 5, to_account: '1234567890' }); // no token: 403
  await swaig(tokenFor(swml.body, 'delete_account').path, 'transfer_funds', {
    amount: 1,
    to_account: '1234567890',
  }); // wrong function
  await request(app).get('/').auth(USER, 'wrong-password'); // auth failure
  return swml.body as unknown;
}

describe('audit log', () => {
  it('one well-formed event per function call and per refusal, with masked callers', async () => {
    const { app, logs } = testApp();
    await driveCall(app, 'call-audit-1');
    const events = logs.audit();
    for (const e of events) assertWellFormed(e);
    const summary = events
      .filter((e) => e.event !== 'config_warning')
      .map((e) => [e.event, e.type ?? e.outcome ?? null, e.function ?? null]);
    assert.deepEqual(summary, [
      ['call_start', null, null],
      ['function_call', 'ok', 'get_balance'],
      ['function_call', 'ok', 'transfer_funds'],
      ['security', 'invalid_arguments', 'transfer_funds'],
      ['function_call', 'invalid_args', 'transfer_funds'],
      ['security', 'token_rejected', 'transfer_funds'],
      ['security', 'token_rejected', 'transfer_funds'],
      ['security', 'auth_failure', null],
    ]);
    const [start] = logs.audit('call_start');
    assert.equal(start?.call_id, 'call-audit-1');
    assert.equal(start?.request_id, 'req-swml.1', 'a clean client request id is kept');
    assert.equal(start?.caller, '***5309');
    const calls = logs.audit('function_call');
    for (const c of calls) {
      assert.equal(c.call_id, 'call-audit-1');
      assert.equal(c.caller, '***5309');
      assert.equal(typeof c.duration_ms, 'number');
      assert.match(String(c.request_id), UUID);
      assert.match(String(c.ip), /127\.0\.0\.1$/);
    }
    // The destination account identifies without being secret: masked like caller numbers.
    assert.deepEqual(calls[1]?.args, { amount: 5, to_account: '***7890' });
    const rejected = logs.audit('security').filter((e) => e.type === 'token_rejected');
    assert.deepEqual(
      rejected.map((e) => e.reason),
      ['missing', 'wrong_function'],
    );
    const [authFailure] = logs.audit('security').filter((e) => e.type === 'auth_failure');
    assert.equal(authFailure?.call_id, null, 'no call yet: null, not absent');
    assert.equal(authFailure?.reason, 'invalid');
    for (const line of logs.lines)
      assert.ok(!line.includes('8675309'), 'the full caller number is never logged');
  });

  it('post_prompt writes call_end; limits and emergency blocks are audited once each', async () => {
    const { app, logs } = testApp({
      env: { SWML_CALLER_FUNCTION_LIMIT: '1', AGENT_DISABLED_FUNCTIONS: 'delete_account' },
    });
    const swml = (
      await request(app)
        .post('/')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: 'call-audit-2', from: CALLER } })
    ).body as unknown;
    const swaig = (path: string, fn: string, args: Record<string, unknown>) =>
      request(app)
        .post(path)
        .auth(USER, PASSWORD)
        .send(swaigBody(fn, args, { call_id: 'call-audit-2' }));
    await swaig('/swaig', 'get_balance', {});
    await swaig('/swaig', 'get_balance', {}); // over the caller limit
    await swaig(tokenFor(swml, 'delete_account').path, 'delete_account', { verification_code: '1234' });
    const pp = (swml as { sections: { main: [unknown, { ai: { post_prompt_url: string } }] } }).sections
      .main[1].ai.post_prompt_url;
    const { pathname, search } = new URL(pp);
    const end = await request(app)
      .post(`${pathname}${search}`)
      .auth(USER, PASSWORD)
      .send({
        action: 'post_conversation',
        call_id: 'call-audit-2',
        post_prompt_data: { parsed: [{ intent: 'balance', resolved: true }] },
      });
    assert.equal(end.status, 200);
    for (const e of logs.audit()) assertWellFormed(e);
    const summary = logs
      .audit()
      .filter((e) => e.event !== 'config_warning')
      .map((e) => [e.event, e.type ?? e.outcome ?? null]);
    assert.deepEqual(summary, [
      ['call_start', null],
      ['function_call', 'ok'],
      ['security', 'rate_limited'],
      ['function_call', 'rate_limited'],
      ['security', 'emergency_block'],
      ['function_call', 'emergency_blocked'],
      ['call_end', null],
    ]);
    const [callEnd] = logs.audit('call_end');
    assert.equal(callEnd?.call_id, 'call-audit-2');
    assert.equal(callEnd?.tokens_revoked, true);
    assert.deepEqual(callEnd?.summary, { intent: 'balance', resolved: true });
  });

  it('a client X-Request-Id is kept only when short and plain', async () => {
    const { app, logs } = testApp();
    for (const id of ['ok-id_1.2:3', 'has space', '<script>', 'x'.repeat(65), 'a\u00e9']) {
      await request(app).post('/swaig').set('X-Request-Id', id).auth(USER, 'wrong').send({});
    }
    const ids = logs.audit('security').map((e) => String(e.request_id));
    assert.equal(ids[0], 'ok-id_1.2:3');
    for (const id of ids.slice(1)) assert.match(id, UUID);
    const access = logs.records.filter((r) => r.msg === 'request completed').map((r) => r.reqId);
    assert.deepEqual(access, ids, 'access log and audit log share the request id');
  });

  it('ctx.audit() and ctx.securityEvent() write events bound to the call; identity fields cannot be forged', async () => {
    const agent = new AgentBase({ name: 'ctx' });
    agent.defineTool({
      secure: false,
      name: 'refund',
      description: 'refund',
      securityEvents: ['refund_abuse'],
      handler: (_args, _raw, ctx) => {
        ctx.audit('refund_requested', {
          amount: 12,
          event: 'forged',
          call_id: 'other',
          ip: '6.6.6.6',
          function: 'transfer_funds',
        });
        ctx.securityEvent('refund_abuse', { attempts: 3, type: 'forged' });
        ctx.securityEvent('not_declared', {});
        return 'ok';
      },
    });
    const { app, logs } = testApp({ agent });
    await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('refund', {}, { call_id: 'call-ctx' }));
    const [custom] = logs.audit('refund_requested');
    assert.ok(custom, 'custom event written');
    assertWellFormed(custom);
    assert.equal(custom.call_id, 'call-ctx');
    assert.equal(custom.function, 'refund');
    assert.equal(custom.amount, 12);
    assert.match(String(custom.ip), /127\.0\.0\.1$/);
    const security = logs.audit('security');
    assert.deepEqual(
      security.map((e) => [e.type, e.call_id, e.function]),
      [
        ['refund_abuse', 'call-ctx', 'refund'],
        ['not_declared', 'call-ctx', 'refund'],
      ],
    );
    const { values } = await app.guard.runtime.metrics.securityEvents.get();
    assert.equal(values.find((v) => v.labels.event === 'refund_abuse')?.value, 1);
    assert.equal(values.find((v) => v.labels.event === 'undeclared')?.value, 1, 'bounded labels');
  });
});
