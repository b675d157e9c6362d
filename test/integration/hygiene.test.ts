import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import { FunctionResult } from '../../src/agent/function-result.js';
import type { SwaigRequest, ToolContext } from '../../src/agent/types.js';
import type { GuardApp } from '../../src/http/app.js';
import { PASSWORD, USER, swaigBody, testApp, type TestApp } from '../helpers/app.js';

const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const GENERIC = 'Sorry, that action could not be completed right now.';
const LEAK =
  /\bat \S+ \(|\/work\/|node_modules|\.ts:\d|\.js:\d|Error:|stack|ENOENT|SyntaxError|Unexpected token/;

/** What the spy tools saw. */
const seen = {
  record: [] as { args: Record<string, unknown>; raw: SwaigRequest }[],
  strict: 0,
  hangSignal: undefined as AbortSignal | undefined,
};

function hygieneAgent(): AgentBase {
  const agent = new AgentBase({ name: 'hygiene' });
  agent.setPromptText('Test agent.');
  agent.defineTool({
    secure: false,
    name: 'record',
    description: 'Records what it receives',
    parameters: { type: 'object', properties: {}, additionalProperties: true },
    handler: (args, raw) => {
      seen.record.push({ args, raw });
      return new FunctionResult('recorded');
    },
  });
  agent.defineTool<{ amount: number; to_account: string }>({
    secure: false,
    name: 'strict',
    description: 'A tool with a strict schema',
    // Opted out of the lenient steps: invented fields and numeric strings are refused here.
    strictArguments: true,
    parameters: {
      type: 'object',
      properties: {
        amount: { type: 'number', exclusiveMinimum: 0 },
        to_account: { type: 'string', pattern: '^[0-9]{10}$' },
        email: { type: 'string', format: 'email' },
      },
      required: ['amount', 'to_account'],
    },
    handler: () => {
      seen.strict++;
      return new FunctionResult('ran');
    },
  });
  agent.defineTool({
    secure: false,
    name: 'hang',
    description: 'Never answers',
    handler: (_args, _raw, ctx: ToolContext) => {
      seen.hangSignal = ctx.signal;
      return new Promise<never>(() => undefined);
    },
  });
  const throwers: [string, () => unknown][] = [
    [
      'boom',
      () => {
        throw new Error('db password hunter2 failed at /srv/app/db.ts:12');
      },
    ],
    ['boom_async', () => Promise.reject(new TypeError('cannot read /etc/shadow'))],
    [
      'boom_string',
      () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- handlers may throw anything
        throw 'raw string with /srv/secret/path';
      },
    ],
    [
      'boom_null',
      () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- handlers may throw anything
        throw null;
      },
    ],
    [
      'boom_object',
      () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- handlers may throw anything
        throw { message: 'object thrown /srv/x.ts', stack: 'at /srv/x.ts:1:1' };
      },
    ],
    ['bad_return', () => 42],
  ];
  for (const [name, fn] of throwers) {
    agent.defineTool({ secure: false, name, description: 'Fails', handler: fn as () => FunctionResult });
  }
  return agent;
}

interface Running extends TestApp {
  server: Server;
  port: number;
}

async function running(env: Record<string, string> = {}): Promise<Running> {
  const t = testApp({
    agent: hygieneAgent(),
    env: { SWML_RATE_LIMIT: '100000', SWML_CALLER_FUNCTION_LIMIT: '100000', ...env },
  });
  const server = createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { ...t, server, port: (server.address() as AddressInfo).port };
}

async function stop(r: Running): Promise<void> {
  r.server.closeAllConnections();
  await new Promise<void>((resolve) => r.server.close(() => resolve()));
  await r.app.guard.close();
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Bytes the client had handed to the socket when the answer arrived. */
  sentBeforeAnswer: number;
}

/**
 * A raw HTTP request: `chunks` are written one by one (chunked encoding unless a Content-Length is set),
 * stopping as soon as the answer arrives; `end: false` never finishes the body.
 */
function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; chunks?: Buffer[]; end?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path,
        headers: { Authorization: AUTH, ...opts.headers },
      },
      (res) => {
        answered = true;
        const at = sent;
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString('utf8'),
            sentBeforeAnswer: at,
          }),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      // The server may close the socket while we are still writing: that is the point of the test.
      if (!answered && err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    const chunks = opts.chunks ?? [];
    const writeNext = (i: number) => {
      if (answered || req.destroyed) return;
      if (i >= chunks.length) {
        if (opts.end !== false) req.end();
        return;
      }
      const chunk = chunks[i] as Buffer;
      sent += chunk.length;
      req.write(chunk, () => setImmediate(() => writeNext(i + 1)));
    };
    req.flushHeaders();
    writeNext(0);
  });
}

const KIB = 1024;
const MIB = 1024 * KIB;
const chunksOf = (total: number, size = 64 * KIB) =>
  Array.from({ length: Math.ceil(total / size) }, () => Buffer.alloc(size, 0x20));

describe('body size is counted on the bytes received', () => {
  let r: Running;
  before(async () => {
    r = await running();
  });
  after(() => stop(r));

  it('a 2 MiB chunked body without Content-Length is 413', { timeout: 20_000 }, async () => {
    const res = await raw(r.port, {
      path: '/swaig',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      chunks: [Buffer.from('{"function":"record","pad":"'), ...chunksOf(2 * MIB)],
    });
    assert.equal(res.status, 413);
    assert.deepEqual(JSON.parse(res.body), { error: 'payload too large' });
    assert.equal(res.headers.connection, 'close');
    assert.equal(seen.record.length, 0);
  });

  it(
    'answers 413 as soon as the limit is crossed: it does not wait for (or buffer) the rest',
    { timeout: 20_000 },
    async () => {
      // The body never ends: a server that read to the end before checking would never answer.
      const res = await raw(r.port, {
        path: '/swaig',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        chunks: [Buffer.from('{"pad":"'), ...chunksOf(MIB + 128 * KIB)],
        end: false,
      });
      assert.equal(res.status, 413);
      assert.ok(res.sentBeforeAnswer <= MIB + 256 * KIB, `sent ${res.sentBeforeAnswer}`);
    },
  );

  it(
    'a Content-Length over the limit is 413 before any byte of the body is read',
    { timeout: 20_000 },
    async () => {
      const res = await raw(r.port, {
        path: '/swaig',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(5 * MIB) },
        end: false,
      });
      assert.equal(res.status, 413);
      assert.deepEqual(JSON.parse(res.body), { error: 'payload too large' });
    },
  );

  it('a body just under the limit is accepted', async () => {
    const small = await raw(r.port, {
      path: '/swaig',
      headers: { 'Content-Type': 'application/json' },
      chunks: [Buffer.from(JSON.stringify(swaigBody('record', { pad: 'x'.repeat(MIB - 200) })))],
    });
    assert.equal(small.status, 200, small.body);
  });

  it('SWML_MAX_REQUEST_SIZE is honoured on chunked bodies too', { timeout: 20_000 }, async () => {
    const tiny = await running({ SWML_MAX_REQUEST_SIZE: '1kb' });
    try {
      const res = await raw(tiny.port, {
        path: '/',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        chunks: [Buffer.from('{"call":{"x":"'), ...chunksOf(2 * KIB, 256)],
      });
      assert.equal(res.status, 413);
    } finally {
      await stop(tiny);
    }
  });
});

describe('content type, JSON and UTF-8', () => {
  let r: Running;
  before(async () => {
    r = await running();
  });
  after(() => stop(r));
  const json = Buffer.from(JSON.stringify(swaigBody('record')));

  const types: [string, string | undefined][] = [
    ['text/plain', 'text/plain'],
    ['form-urlencoded', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['text/json', 'text/json'],
    ['application/jsonp', 'application/jsonp'],
    ['application/json-seq', 'application/json-seq'],
  ];
  for (const [name, type] of types) {
    for (const path of ['/', '/swaig', '/post_prompt']) {
      it(`${path}: ${name} is 415`, async () => {
        const headers: Record<string, string> = { 'Content-Length': String(json.length) };
        if (type !== undefined) headers['Content-Type'] = type;
        const res = await raw(r.port, { path, headers, chunks: [json] });
        assert.equal(res.status, 415, res.body);
        assert.deepEqual(JSON.parse(res.body), { error: 'unsupported media type' });
      });
    }
  }

  // SignalWire has been seen posting JSON without a Content-Type: a JSON object is read and accepted.
  for (const [name, body] of [
    ['not JSON', Buffer.from('function=record&x=1')],
    ['malformed JSON', Buffer.from('{"function":"record",')],
    ['a JSON array', Buffer.from('[{"function":"record"}]')],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d])],
  ] as const) {
    it(`no Content-Type, ${name}: 415, as a body that is not JSON`, async () => {
      const headers = { 'Content-Length': String(body.length) };
      const res = await raw(r.port, { path: '/swaig', headers, chunks: [body] });
      assert.equal(res.status, 415, res.body);
      assert.deepEqual(JSON.parse(res.body), { error: 'unsupported media type' });
    });
  }

  it('no Content-Type with a JSON object: accepted on every route, chunked too, within the same limit', async () => {
    for (const path of ['/swaig', '/']) {
      const res = await raw(r.port, {
        path,
        headers: { 'Content-Length': String(json.length) },
        chunks: [json],
      });
      assert.equal(res.status, 200, `${path}: ${res.body}`);
    }
    const chunked = await raw(r.port, {
      path: '/swaig',
      headers: { 'Transfer-Encoding': 'chunked' },
      chunks: [json.subarray(0, 10), json.subarray(10)],
    });
    assert.equal(chunked.status, 200, chunked.body);
    const big = Buffer.from(JSON.stringify({ ...swaigBody('record'), pad: 'x'.repeat(2 * MIB) }));
    const tooBig = await raw(r.port, {
      path: '/swaig',
      headers: { 'Content-Length': String(big.length) },
      chunks: [big],
    });
    assert.equal(tooBig.status, 413);
  });

  it('application/json with a charset and +json types are accepted', async () => {
    for (const type of [
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/vnd.signalwire+json',
    ]) {
      const res = await raw(r.port, { path: '/swaig', headers: { 'Content-Type': type }, chunks: [json] });
      assert.equal(res.status, 200, type);
    }
  });

  const bad: [string, Buffer][] = [
    ['malformed JSON', Buffer.from('{"function":"record",')],
    ['trailing garbage', Buffer.from('{"function":"record"} x')],
    ['single quotes', Buffer.from("{'function':'record'}")],
    ['a JSON array', Buffer.from('[{"function":"record"}]')],
    ['a JSON number', Buffer.from('42')],
    ['JSON null', Buffer.from('null')],
    ['a JSON string', Buffer.from('"record"')],
    ['JSON true', Buffer.from('true')],
    [
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from('{"function":"record","x":"'),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('"}'),
      ]),
    ],
    [
      'overlong UTF-8',
      Buffer.concat([
        Buffer.from('{"function":"record","x":"'),
        Buffer.from([0xc0, 0xaf]),
        Buffer.from('"}'),
      ]),
    ],
    [
      'UTF-16 surrogate in UTF-8',
      Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ],
  ];
  for (const [name, body] of bad) {
    it(`${name} is 400 without parser details`, async () => {
      const before = seen.record.length;
      const res = await raw(r.port, {
        path: '/swaig',
        headers: { 'Content-Type': 'application/json' },
        chunks: [body],
      });
      assert.equal(res.status, 400, res.body);
      const parsed = JSON.parse(res.body) as { error: string };
      assert.deepEqual(Object.keys(parsed), ['error']);
      assert.doesNotMatch(res.body, LEAK);
      assert.equal(seen.record.length, before);
    });
  }
});

describe('prototype pollution', () => {
  const { app } = testApp({ agent: hygieneAgent() });
  const send = (text: string) =>
    request(app).post('/swaig').auth(USER, PASSWORD).set('Content-Type', 'application/json').send(text);

  const bodies: [string, string][] = [
    ['top-level __proto__', '{"__proto__":{"polluted":true},"function":"record","call_id":"c"}'],
    [
      '__proto__ in the arguments',
      '{"function":"record","argument":{"parsed":[{"__proto__":{"polluted":true},"a":1}]}}',
    ],
    [
      'constructor.prototype',
      '{"function":"record","constructor":{"prototype":{"polluted":true}},"argument":{"parsed":[{"constructor":{"prototype":{"polluted":true}},"a":1}]}}',
    ],
    [
      '__proto__ in argument.raw',
      '{"function":"record","argument":{"raw":"{\\"__proto__\\":{\\"polluted\\":true},\\"a\\":1}"}}',
    ],
    [
      'a unicode-escaped __proto__ key',
      '{"\\u005f_proto__":{"polluted":true},"function":"record","argument":{"parsed":[{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":true},"a":1}]}}',
    ],
    [
      'an escaped constructor key',
      '{"function":"record","argument":{"parsed":[{"\\u0063onstructor":{"\\u0070rototype":{"polluted":true}},"a":1}]}}',
    ],
  ];
  for (const [name, text] of bodies) {
    it(`${name}: stripped, Object.prototype untouched, never reaches the handler`, async () => {
      seen.record.length = 0;
      const res = await send(text);
      assert.equal(res.status, 200, res.text);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
      assert.equal(seen.record.length, 1);
      const call = seen.record[0];
      assert.ok(call);
      for (const value of [call.args, call.raw, call.raw.argument, ...(call.raw.argument?.parsed ?? [])]) {
        if (value === null || typeof value !== 'object') continue;
        assert.equal(Object.getPrototypeOf(value), Object.prototype);
        for (const key of ['__proto__', 'constructor', 'prototype'])
          assert.equal(Object.hasOwn(value, key), false, `${name}: own ${key} reached the handler`);
        assert.equal((value as Record<string, unknown>).polluted, undefined);
      }
    });
  }
});

describe('SWAIG envelopes, functions and methods', () => {
  const { app } = testApp({ agent: hygieneAgent() });
  const post = (body: unknown) =>
    request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(body as object);

  const envelopes: [string, unknown][] = [
    ['missing function', { call_id: 'c' }],
    ['function is a number', { function: 7 }],
    ['function is null', { function: null }],
    ['function is an array', { function: ['record'] }],
    ['empty name', { function: '' }],
    ['name starting with a digit', { function: '1record' }],
    ['name with a dash', { function: 're-cord' }],
    ['name with a space', { function: 'rec ord' }],
    ['name with a dot', { function: 'record.x' }],
    ['name with a slash', { function: '../record' }],
    ['non-ASCII name', { function: 'récord' }],
    ['name with a newline', { function: 'record\n' }],
    ['65 characters', { function: `a${'b'.repeat(64)}` }],
    ['argument is a string', { function: 'record', argument: '{"a":1}' }],
    ['argument is an array', { function: 'record', argument: [{ a: 1 }] }],
    ['parsed is not an array', { function: 'record', argument: { parsed: { a: 1 } } }],
    ['parsed[0] is a number', { function: 'record', argument: { parsed: [1] } }],
    ['parsed[0] is an array', { function: 'record', argument: { parsed: [[1]] } }],
    ['caller_id_name is a number', { function: 'record', caller_id_name: 7 }],
    ['global_data is a non-empty array', { function: 'record', global_data: [{ a: 1 }] }],
    ['raw is an object', { function: 'record', argument: { raw: { a: 1 } } }],
    ['call_id is a number', { function: 'record', call_id: 123 }],
    ['call_id is an object', { function: 'record', call_id: { $ne: '' } }],
    ['call_id is too long', { function: 'record', call_id: 'c'.repeat(257) }],
    ['caller_id_num is a number', { function: 'record', caller_id_num: 15551230000 }],
    ['meta_data is an array', { function: 'record', meta_data: [1] }],
    ['global_data is a string', { function: 'record', global_data: 'x' }],
  ];
  for (const [name, body] of envelopes) {
    it(`${name} is 400`, async () => {
      const before = seen.record.length;
      const res = await post(body);
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(Object.keys(res.body as object), ['error']);
      assert.equal(seen.record.length, before);
    });
  }

  it('the longest valid name (64 characters) is well-formed: 404 unknown, not 400', async () => {
    const res = await post({ function: `a${'b'.repeat(63)}` });
    assert.equal(res.status, 404);
  });

  it('an unknown function is 404; inherited names are unknown too', async () => {
    for (const fn of ['nope', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const res = await post({ function: fn });
      assert.equal(res.status, 404, fn);
      assert.deepEqual(Object.keys(res.body as object), ['error']);
    }
  });

  const methods: [string, string, string][] = [
    ['GET', '/swaig', 'POST'],
    ['PUT', '/swaig', 'POST'],
    ['DELETE', '/swaig', 'POST'],
    ['PATCH', '/post_prompt', 'POST'],
    ['GET', '/post_prompt', 'POST'],
    ['PUT', '/', 'GET, POST'],
    ['DELETE', '/', 'GET, POST'],
    ['POST', '/health', 'GET, HEAD'],
    ['POST', '/ready', 'GET, HEAD'],
  ];
  for (const [method, path, allow] of methods) {
    it(`${method} ${path} is 405 with Allow: ${allow}`, async () => {
      const res = await request(app)[method.toLowerCase() as 'get'](path).auth(USER, PASSWORD);
      assert.equal(res.status, 405);
      assert.equal(res.headers.allow, allow);
      assert.deepEqual(res.body, { error: 'method not allowed' });
    });
  }
});

describe('invalid arguments never reach the handler', () => {
  const { app, logs } = testApp({ agent: hygieneAgent() });
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['nothing', {}, ['amount is required', 'to_account is required']],
    ['a string amount (no coercion)', { amount: '5', to_account: '0123456789' }, ['amount must be number']],
    ['a negative amount', { amount: -1, to_account: '0123456789' }, ['amount must be > 0']],
    ['a zero amount', { amount: 0, to_account: '0123456789' }, ['amount must be > 0']],
    ['a short account', { amount: 5, to_account: '123' }, ['to_account must match pattern']],
    ['an injected account', { amount: 5, to_account: '0123456789; DROP' }, ['to_account must match pattern']],
    [
      'an unknown field',
      { amount: 5, to_account: '0123456789', admin: true },
      ['admin is not an allowed field'],
    ],
    [
      'a bad email format',
      { amount: 5, to_account: '0123456789', email: 'not-an-email' },
      ['email must match format "email"'],
    ],
    ['an object amount', { amount: { $gt: 0 }, to_account: '0123456789' }, ['amount must be number']],
  ];
  for (const [name, args, reasons] of cases) {
    it(`${name}: 200 "Invalid arguments: ..." with field-level reasons`, async () => {
      const before = seen.strict;
      const res = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('strict', args));
      assert.equal(res.status, 200);
      const response = (res.body as { response: string }).response;
      assert.match(response, /^Invalid arguments: /);
      for (const reason of reasons) assert.ok(response.includes(reason), `${response} mentions ${reason}`);
      assert.equal(seen.strict, before, 'the handler did not run');
      assert.equal(logs.audit('function_call').at(-1)?.outcome, 'invalid_args');
    });
  }

  it('the same arguments given as argument.raw are validated too', async () => {
    const before = seen.strict;
    const res = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send({ function: 'strict', argument: { raw: '{"amount":-5,"to_account":"x"}' } });
    assert.match((res.body as { response: string }).response, /^Invalid arguments: .*amount must be > 0/);
    assert.equal(seen.strict, before);
  });

  it('valid arguments do run the handler (the spy can count)', async () => {
    const before = seen.strict;
    await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('strict', { amount: 5, to_account: '0123456789' }))
      .expect(200, { response: 'ran' });
    assert.equal(seen.strict, before + 1);
  });
});

describe('failing handlers', () => {
  const { app, logs } = testApp({ agent: hygieneAgent(), env: { SWML_FUNCTION_TIMEOUT_MS: '100' } });
  const outcome = async (app: GuardApp, fn: string, o: string) => {
    const metric = app.guard.runtime.metrics.registry.getSingleMetric('swml_function_calls_total');
    const { values } = (await metric?.get()) ?? { values: [] };
    return values.find((v) => v.labels.function === fn && v.labels.outcome === o)?.value ?? 0;
  };

  it('a handler that never resolves times out: generic sentence, outcome timeout, ctx.signal aborted', async () => {
    seen.hangSignal = undefined;
    const before = await outcome(app, 'hang', 'timeout');
    const res = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('hang'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { response: GENERIC });
    assert.equal(await outcome(app, 'hang', 'timeout'), before + 1);
    assert.equal((seen.hangSignal as AbortSignal | undefined)?.aborted, true, 'ctx.signal aborted');
    assert.equal(logs.audit('function_call').at(-1)?.outcome, 'timeout');
  });

  for (const fn of ['boom', 'boom_async', 'boom_string', 'boom_null', 'boom_object', 'bad_return']) {
    it(`${fn}: generic sentence; no message, stack or path in the answer; the error is logged`, async () => {
      const before = await outcome(app, fn, 'error');
      const res = await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody(fn));
      assert.equal(res.status, 200);
      assert.equal(res.text, JSON.stringify({ response: GENERIC }));
      for (const word of ['hunter2', 'shadow', '/srv', 'object thrown', 'raw string', 'TypeError'])
        assert.ok(!JSON.stringify(res.headers).includes(word) && !res.text.includes(word), word);
      assert.equal(await outcome(app, fn, 'error'), before + 1);
      assert.equal(logs.audit('function_call').at(-1)?.outcome, 'error');
      assert.ok(logs.records.some((r) => r.msg === 'tool handler failed' && r.function === fn));
    });
  }

  it('the thrown message and stack reach the log only, never an audit line', () => {
    const audit = JSON.stringify(logs.audit());
    assert.ok(!audit.includes('hunter2'));
    assert.ok(!audit.includes('/srv/app/db.ts'));
  });
});

describe('security headers on every response', () => {
  let r: Running;
  before(async () => {
    r = await running({ SWML_MAX_REQUEST_SIZE: '1kb' });
  });
  after(() => stop(r));
  const json = { 'Content-Type': 'application/json' };

  const requests: [string, Parameters<typeof raw>[1], number][] = [
    ['SWML', { method: 'GET', path: '/' }, 200],
    [
      'SWAIG',
      { path: '/swaig', headers: json, chunks: [Buffer.from(JSON.stringify(swaigBody('record')))] },
      200,
    ],
    ['health', { method: 'GET', path: '/health' }, 200],
    ['ready', { method: 'GET', path: '/ready' }, 200],
    ['401', { method: 'GET', path: '/', headers: { Authorization: 'Basic eDp5' } }, 401],
    ['403', { path: '/post_prompt', headers: json, chunks: [Buffer.from('{"call_id":"c"}')] }, 403],
    ['404 route', { method: 'GET', path: '/nope' }, 404],
    ['404 function', { path: '/swaig', headers: json, chunks: [Buffer.from('{"function":"nope"}')] }, 404],
    ['405', { method: 'GET', path: '/swaig' }, 405],
    ['400', { path: '/swaig', headers: json, chunks: [Buffer.from('{')] }, 400],
    ['413', { path: '/swaig', headers: { ...json, 'Content-Length': '5000' }, end: false }, 413],
    ['415', { path: '/swaig', headers: { 'Content-Type': 'text/plain' }, chunks: [Buffer.from('x')] }, 415],
    ['bad percent-encoding', { method: 'GET', path: '/%E0%A4%A' }, 404],
    [
      'bad percent-encoding in the query',
      {
        path: '/swaig?__token=%E0%A4%A',
        headers: json,
        chunks: [Buffer.from(JSON.stringify(swaigBody('record')))],
      },
      200,
    ],
  ];
  for (const [name, opts, status] of requests) {
    it(`${name}: helmet headers, no X-Powered-By, no HSTS over plain HTTP, no stack or path`, async () => {
      const res = await raw(r.port, opts);
      assert.equal(res.status, status, res.body);
      assert.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['x-powered-by'], undefined);
      assert.equal(res.headers['strict-transport-security'], undefined);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.doesNotMatch(res.body, LEAK);
      if (status >= 400) assert.deepEqual(Object.keys(JSON.parse(res.body) as object), ['error']);
    });
  }
});
