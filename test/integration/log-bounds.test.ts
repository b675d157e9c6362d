// Bounded log lines: every client-supplied string that can reach a log line is cut to a documented length
// with a visible marker, so one request cannot write kilobytes of log (issue 11, written as the attacker tried it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import { LOG_LIMITS } from '../../src/observability/limits.js';
import { PASSWORD, USER, swaigBody, testApp } from '../helpers/app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A line may carry its fixed fields besides the cut value: this much room for them. */
const FIXED_FIELDS = 600;

function accessLines(logs: ReturnType<typeof testApp>['logs']) {
  return logs.records.filter((r) => r.msg === 'request completed');
}

describe('bounded log lines', () => {
  it('a ~15 KB URL without credentials writes a bounded access line with a truncation marker', async (t) => {
    const { app, logs } = testApp();
    t.after(() => app.guard.close());
    const long = `/${'A'.repeat(15_000)}?q=${'B'.repeat(500)}`;
    assert.equal((await request(app).get(long)).status, 404);
    const [line] = accessLines(logs);
    const url = (line?.req as { url: string }).url;
    assert.ok(url.length <= LOG_LIMITS.url + 40, `url kept at ${url.length} characters`);
    assert.match(url, /…\[\+\d+ chars\]$/, 'a visible marker says how much was cut');
    for (const raw of logs.lines)
      assert.ok(raw.length < LOG_LIMITS.url + FIXED_FIELDS, `line of ${raw.length}`);
  });

  it('header values are never logged: a long User-Agent, Referer or X-Forwarded-For stays out', async (t) => {
    const { app, logs } = testApp();
    t.after(() => app.guard.close());
    const marker = 'H'.repeat(3_000);
    await request(app)
      .get('/')
      .set('User-Agent', `ua-${marker}`)
      .set('Referer', `https://x/${marker}`)
      .set('X-Forwarded-For', `${marker}, 10.0.0.1`)
      .set('X-Custom', marker);
    assert.ok(logs.lines.length >= 2);
    for (const raw of logs.lines)
      assert.ok(!raw.includes('HHHHHHHHHH'), `header value in: ${raw.slice(0, 200)}`);
  });

  it('a forwarded client address through a trusted hop is cut to the address limit', async (t) => {
    const { app, logs } = testApp({ env: { SWML_TRUST_PROXY: '1' } });
    t.after(() => app.guard.close());
    await request(app).get('/').set('X-Forwarded-For', 'x'.repeat(5_000));
    const ips = logs.records.map((r) => {
      const ip = (r.req as { ip?: unknown } | undefined)?.ip ?? r.ip;
      return typeof ip === 'string' ? ip : '';
    });
    assert.ok(
      ips.some((ip) => ip.startsWith('xxxx')),
      'the forwarded value is what Express reports',
    );
    for (const ip of ips) assert.ok(ip.length <= LOG_LIMITS.ip + 20, `ip of ${ip.length}`);
  });

  it('X-Request-Id: a 15 KB or non-plain client id is replaced by a UUID before any log line', async (t) => {
    const { app, logs } = testApp();
    t.after(() => app.guard.close());
    for (const id of ['r'.repeat(15_000), 'has space forged', '{"json":1}']) {
      // Authenticated: a 200 is logged one by one (refusals from one client are aggregated).
      assert.equal((await request(app).get('/').auth(USER, PASSWORD).set('X-Request-Id', id)).status, 200);
    }
    const ids = accessLines(logs).map((r) => String(r.reqId));
    assert.equal(ids.length, 3);
    for (const id of ids) assert.match(id, UUID);
    for (const raw of logs.lines) assert.ok(!raw.includes('rrrrrrrr') && !raw.includes('forged'));
  });

  it('argument keys, values and ajv reasons are cut; the whole audit line stays bounded', async (t) => {
    const agent = new AgentBase({ name: 'bounds' });
    agent.defineTool({
      name: 'lookup',
      description: 'lookup',
      secure: false,
      // Strict: the invented fields are refused (not dropped), so the ajv reasons name every one of them.
      strictArguments: true,
      parameters: { type: 'object', properties: { q: { type: 'string' } } },
      handler: () => 'ok',
    });
    const { app, logs } = testApp({ agent, env: { SWML_MAX_REQUEST_SIZE: '1mb' } });
    t.after(() => app.guard.close());
    const args: Record<string, unknown> = { q: 'v'.repeat(50_000) };
    for (let i = 0; i < 200; i++) args[`${'k'.repeat(2_000)}${i}`] = 'w'.repeat(2_000);
    const res = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('lookup', args, { caller_id_name: 'n'.repeat(200) }));
    assert.equal(res.status, 200);
    const [security] = logs.audit('security').filter((e) => e.type === 'invalid_arguments');
    const reasons = String(security?.reasons);
    assert.ok(reasons.length <= LOG_LIMITS.string + 40, `reasons of ${reasons.length}`);
    // The 2,000-character invented keys are cut (to 64 characters) inside the reasons, which are capped too.
    assert.match(reasons, /k{8,64}… is not an allowed field/);
    assert.ok(JSON.stringify(res.body).length <= 1024, 'the reply to the AI is bounded too');
    const [call] = logs.audit('function_call');
    const logged = call?.args as Record<string, unknown>;
    assert.match(String(logged.q), /^v{256}…\[\+\d+ chars\]$/);
    for (const key of Object.keys(logged))
      assert.ok(key.length <= LOG_LIMITS.key + 40, `key of ${key.length}`);
    assert.ok(Object.keys(logged).length <= LOG_LIMITS.values + 1);
    for (const raw of logs.lines) assert.ok(raw.length <= LOG_LIMITS.line, `line of ${raw.length} bytes`);
  });

  it('a deeply nested or very wide argument tree is cut by a total value budget', async (t) => {
    const agent = new AgentBase({ name: 'deep' });
    agent.defineTool({
      name: 'nest',
      description: 'nest',
      secure: false,
      parameters: { type: 'object', additionalProperties: true },
      handler: () => 'ok',
    });
    const { app, logs } = testApp({ agent });
    t.after(() => app.guard.close());
    const wide = Array.from({ length: 40 }, () => Array.from({ length: 40 }, () => 'x'.repeat(200)));
    await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('nest', { wide }));
    const [call] = logs.audit('function_call');
    assert.equal(call?.outcome, 'ok');
    const line = logs.lines.find((l) => l.includes('"function_call"')) ?? '';
    assert.ok(line.length <= LOG_LIMITS.line, `line of ${line.length} bytes`);
    assert.match(line, /\[Truncated\]/);
  });

  it('an unknown or malformed function name never reaches a log line whole', async (t) => {
    const { app, logs } = testApp();
    t.after(() => app.guard.close());
    const name = `f${'z'.repeat(5_000)}`;
    assert.equal((await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody(name))).status, 400);
    assert.equal(
      (await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('no_such_tool'))).status,
      404,
    );
    for (const raw of logs.lines) assert.ok(!raw.includes('zzzzzzzzzz'));
  });
});
