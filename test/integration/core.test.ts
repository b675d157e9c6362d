import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import { FunctionResult } from '../../src/agent/function-result.js';
import { createApp } from '../../src/http/app.js';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { LogCapture, PASSWORD, USER, swaigBody, testApp } from '../helpers/app.js';
import { eventually, startAgentProcess } from '../helpers/agent-process.js';

const ROUTES: [string, 'get' | 'post'][] = [
  ['/', 'get'],
  ['/', 'post'],
  ['/swaig', 'post'],
  ['/post_prompt', 'post'],
];
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('Basic Auth on every webhook', () => {
  // The failed-auth limiter has its own tests; here it must not mask the 401s.
  const { app } = testApp({ env: { SWML_AUTH_FAILURE_LIMIT: '1000' } });
  const bad: [string, Record<string, string>][] = [
    ['no credentials', {}],
    ['wrong password', { Authorization: `Basic ${b64(`${USER}:wrong`)}` }],
    ['wrong user', { Authorization: `Basic ${b64(`admin:${PASSWORD}`)}` }],
    ['malformed: not base64', { Authorization: 'Basic !!!notbase64' }],
    ['malformed: no colon', { Authorization: `Basic ${b64('signalwire')}` }],
    ['malformed: other scheme', { Authorization: 'Bearer abc' }],
    ['malformed: scheme only', { Authorization: 'Basic' }],
  ];
  for (const [path, method] of ROUTES) {
    for (const [name, headers] of bad) {
      it(`${method.toUpperCase()} ${path}: 401 for ${name}`, async () => {
        const res = await request(app)[method](path).set(headers).send({ function: 'get_balance' });
        assert.equal(res.status, 401);
        assert.equal(res.headers['www-authenticate'], 'Basic realm="swml-guard"');
        assert.deepEqual(res.body, { error: 'unauthorized' });
      });
    }
  }
  it('accepts the right credentials with any case of the scheme', async () => {
    for (const scheme of ['Basic', 'basic', 'BASIC']) {
      await request(app)
        .get('/')
        .set('Authorization', `${scheme} ${b64(`${USER}:${PASSWORD}`)}`)
        .expect(200);
    }
    await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('get_balance')).expect(200);
  });
});

describe('generated password', () => {
  it('is printed once, at least 32 characters, and accepted', async () => {
    const logs = new LogCapture();
    const printed: string[] = [];
    const app = createApp(createBankAgent(), {
      env: {},
      logDestination: logs,
      print: (l) => printed.push(l),
    });
    assert.equal(printed.length, 1);
    const match = /signalwire:(\S+)$/.exec(printed[0] ?? '');
    const password = match?.[1] ?? '';
    assert.ok(password.length >= 32, `password length ${password.length}`);
    assert.match(printed[0] ?? '', /development/);
    await request(app).get('/').auth('signalwire', password).expect(200);
    await request(app).get('/').auth('signalwire', `${password}x`).expect(401);
    assert.equal(printed.length, 1, 'printed once, not per request');
    assert.ok(!logs.lines.some((l) => l.includes(password)), 'the password is in no log line');
    assert.ok(logs.audit('config_warning').some((r) => r.code === 'WRN_SWML_GENERATED_PASSWORD'));
  });
});

describe('webhook URLs ignore client headers', () => {
  it('X-Forwarded-Host, X-Forwarded-Proto and Host: evil.example change nothing', async () => {
    const { app } = testApp();
    const clean = await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'c' } });
    const evil = await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https')
      .set('Host', 'evil.example')
      .send({ call: { call_id: 'c' } });
    for (const res of [clean, evil]) {
      assert.equal(res.status, 200);
      assert.ok(!res.text.includes('evil.example'));
      assert.match(
        res.text,
        /"web_hook_url":"http:\/\/signalwire:[^@]+@(127\.0\.0\.1|localhost):\d+\/swaig"/,
      );
    }
  });
});

describe('SWAIG dispatch', () => {
  function echoAgent() {
    const agent = new AgentBase({ name: 'echo' });
    agent.setPromptText('x');
    agent.defineTool({
      secure: false,
      name: 'echo',
      description: 'Echo',
      parameters: { type: 'object', properties: { word: { type: 'string' } }, additionalProperties: false },
      handler: (args, raw, ctx) =>
        new FunctionResult(`${String(args.word)}|${raw.function}|${String(ctx.callId)}`),
    });
    agent.defineTool({
      secure: false,
      name: 'boom',
      description: 'Throws',
      handler: () => {
        throw new Error('db password is hunter2 at /srv/app/secret.ts:12');
      },
    });
    return agent;
  }

  it('reads arguments from parsed[0]', async () => {
    const { app } = testApp({ agent: echoAgent() });
    const res = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('echo', { word: 'hi' }, { call_id: 'c9' }));
    assert.deepEqual(res.body, { response: 'hi|echo|c9' });
  });

  it('falls back to argument.raw, then to {}', async () => {
    const { app } = testApp({ agent: echoAgent() });
    const raw = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send({ function: 'echo', call_id: 'c1', argument: { raw: '{"word":"from-raw"}' } });
    assert.deepEqual(raw.body, { response: 'from-raw|echo|c1' });
    const none = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send({ function: 'echo', call_id: 'c2' });
    assert.deepEqual(none.body, { response: 'undefined|echo|c2' });
    const preferParsed = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send({
        function: 'echo',
        call_id: 'c3',
        argument: { parsed: [{ word: 'parsed' }], raw: '{"word":"raw"}' },
      });
    assert.deepEqual(preferParsed.body, { response: 'parsed|echo|c3' });
  });

  it('a throwing handler gives the generic sentence; the error goes to the log only', async () => {
    const { app, logs } = testApp({ agent: echoAgent() });
    const res = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('boom'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { response: 'Sorry, that action could not be completed right now.' });
    assert.ok(!res.text.includes('hunter2') && !res.text.includes('secret.ts'));
    const logged = logs.records.find((r) => r.msg === 'tool handler failed') as
      { err?: { stack?: string } } | undefined;
    assert.match(logged?.err?.stack ?? '', /secret\.ts/);
    const call = logs.audit('function_call').at(-1);
    assert.equal(call?.outcome, 'error');
  });

  it('answers unknown functions 404, bad envelopes 400 and wrong methods 405 as JSON', async () => {
    const { app } = testApp();
    const unknown = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('nope'));
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error: 'unknown function' });
    const bad = await request(app).post('/swaig').auth(USER, PASSWORD).send({ function: '1bad' });
    assert.equal(bad.status, 400);
    const malformed = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .set('Content-Type', 'application/json')
      .send('{"function":');
    assert.deepEqual([malformed.status, malformed.body], [400, { error: 'malformed json' }]);
    const text = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .set('Content-Type', 'text/plain')
      .send('hello');
    assert.deepEqual([text.status, text.body], [415, { error: 'unsupported media type' }]);
    const get = await request(app).get('/swaig').auth(USER, PASSWORD);
    assert.deepEqual(
      [get.status, get.headers.allow, get.body],
      [405, 'POST', { error: 'method not allowed' }],
    );
    const missing = await request(app).get('/nowhere');
    assert.deepEqual([missing.status, missing.body], [404, { error: 'not found' }]);
  });
});

describe('health, readiness and graceful shutdown', () => {
  it('/health and /ready need no auth', async () => {
    const { app } = testApp();
    assert.deepEqual((await request(app).get('/health').expect(200)).body, { status: 'ok' });
    assert.deepEqual((await request(app).get('/ready').expect(200)).body, { status: 'ready' });
    app.guard.draining = true;
    await request(app).get('/ready').expect(503);
  });

  it('SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const agent = await startAgentProcess({ entry: 'test/fixtures/slow-agent.ts', env: { SLOW_MS: '1000' } });
    try {
      const auth = `Basic ${b64(`${agent.user}:${agent.password}`)}`;
      const inflight = fetch(`${agent.baseUrl}/swaig`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ function: 'slow', call_id: 'c1' }),
      });
      await new Promise((r) => setTimeout(r, 200));
      const exit = agent.stop('SIGTERM');
      const res = await inflight;
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { response: 'slow done' });
      assert.equal(await exit, 0);
      await eventually('the draining log line', () => agent.logs.some((l) => l.includes('draining')));
    } finally {
      await agent.stop('SIGKILL');
    }
  });
});

describe('methods Node handles outside Express', () => {
  it('CONNECT gets a JSON 405 instead of a dropped socket', async () => {
    const { connect } = await import('node:net');
    const agent = await startAgentProcess();
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(agent.port, '127.0.0.1', () =>
          socket.write('CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.match(answer, /^HTTP\/1\.1 405 /);
      assert.ok(answer.endsWith('{"error":"method not allowed"}'));
      const health = await fetch(`${agent.baseUrl}/health`);
      assert.equal(health.status, 200, 'still serving');
    } finally {
      await agent.stop();
    }
  });
});

describe('serve() when a port is taken', () => {
  it('rejects with EADDRINUSE and releases the port it did open, so the process can exit', async () => {
    const { createServer } = await import('node:net');
    const { serve } = await import('../../src/http/serve.js');
    const { freePort } = await import('../helpers/agent-process.js');
    const port = await freePort();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as { port: number }).port;
    try {
      await assert.rejects(
        serve(createBankAgent(), {
          handleSignals: false,
          logDestination: new LogCapture(),
          env: {
            PORT: String(port),
            HOST: '127.0.0.1',
            METRICS_PORT: String(busyPort),
            METRICS_HOST: '127.0.0.1',
            SWML_BASIC_AUTH_PASSWORD: PASSWORD,
          },
        }),
        { code: 'EADDRINUSE' },
      );
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', resolve);
      });
      await new Promise((r) => probe.close(r));
    } finally {
      busy.close();
    }
  });
});
