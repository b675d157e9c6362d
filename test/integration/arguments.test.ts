// Tool arguments as models really send them: invented fields dropped, "25" read as 25; strict checks stay strict.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import { FunctionResult } from '../../src/agent/function-result.js';
import { PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';

const SCHEMA = {
  type: 'object' as const,
  properties: {
    amount: { type: 'number', exclusiveMinimum: 0 },
    count: { type: 'integer', minimum: 1 },
    code: { type: 'string', pattern: '^[0-9]{4}$' },
    either: { type: ['number', 'string'] },
    items: { type: 'array', items: { type: 'number' } },
  },
  required: ['amount'],
};

/** Both tools answer with what the handler received, types included. */
function agent(): AgentBase {
  const a = new AgentBase({ name: 'args' });
  const echo = (args: Record<string, unknown>) =>
    new FunctionResult(JSON.stringify(Object.entries(args).map(([k, v]) => [k, typeof v, v])));
  a.defineTool({ name: 'lenient', description: 'd', secure: false, parameters: SCHEMA, handler: echo });
  a.defineTool({
    name: 'strict',
    description: 'd',
    secure: false,
    strictArguments: true,
    parameters: SCHEMA,
    handler: echo,
  });
  return a;
}

async function call(app: ReturnType<typeof testApp>['app'], fn: string, args: unknown, raw?: string) {
  const body = raw ?? JSON.stringify(swaigBody(fn, args as Record<string, unknown>));
  const res = await request(app).post('/swaig').auth(USER, PASSWORD).type('json').send(body);
  assert.equal(res.status, 200, res.text);
  return (res.body as { response: string }).response;
}

describe('tool arguments the model sends', () => {
  const { app, logs } = testApp({ agent: agent(), env: { SWML_CALLER_FUNCTION_LIMIT: '1000' } });

  it('an invented field is dropped before validation, not refused, and the audit line names it', async () => {
    const reply = await call(app, 'lenient', { amount: 5, mood: 'happy', confidence: 0.9 });
    assert.equal(reply, JSON.stringify([['amount', 'number', 5]]));
    const line = logs.audit('function_call').at(-1);
    assert.equal(line?.outcome, 'ok');
    assert.deepEqual(line?.args_dropped, ['mood', 'confidence']);
    assert.equal(line?.args_dropped_count, 2);
    assert.deepEqual(line?.args, { amount: 5 });
  });

  it('a numeric string where a number or integer is declared is read as that number', async () => {
    const reply = await call(app, 'lenient', { amount: '25', count: '3', either: '7' });
    assert.deepEqual(
      JSON.parse(reply),
      [
        ['amount', 'number', 25],
        ['count', 'number', 3],
        ['either', 'string', '7'],
      ],
      'a field that also accepts strings keeps its string',
    );
    assert.deepEqual(logs.audit('function_call').at(-1)?.args_coerced, ['amount', 'count']);
    // Top-level fields only: inside arrays and objects the schema's types are kept as they are.
    assert.match(await call(app, 'lenient', { amount: 1, items: ['1'] }), /items\.0 must be number/);
  });

  it('checks stay strict: types, patterns, required, bounds enforced here though not sent to SignalWire', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ amount: '25x' }, /amount must be number/],
      [{ amount: '025' }, /amount must be number/],
      [{ amount: ' 25' }, /amount must be number/],
      [{ amount: '1e309' }, /amount must be number/],
      [{ amount: -5 }, /amount must be > 0/],
      [{ amount: '-5' }, /amount must be > 0/],
      [{ amount: 5, count: '2.5' }, /count must be integer/],
      [{ amount: 5, code: '12' }, /code must match pattern/],
      [{ count: 1 }, /amount is required/],
    ];
    for (const [args, reason] of cases)
      assert.match(await call(app, 'lenient', args), reason, JSON.stringify(args));
  });

  it('a non-finite number (1e309 parses to Infinity) is refused, nested ones too', async () => {
    const raw = (args: string) =>
      `{"function":"lenient","call_id":"c-inf","caller_id_num":"+15551230000","argument":{"parsed":[${args}]}}`;
    assert.match(
      await call(app, 'lenient', null, raw('{"amount":1e309}')),
      /^Invalid arguments: amount must be a finite number$/,
    );
    assert.match(
      await call(app, 'lenient', null, raw('{"amount":1,"items":[1,-1e400]}')),
      /items\.1 must be a finite number/,
    );
    assert.match(await call(app, 'strict', null, raw('{"amount":1e309}')), /finite/);
  });

  it('strictArguments: true refuses invented fields and numeric strings', async () => {
    assert.match(await call(app, 'strict', { amount: 5, mood: 'happy' }), /mood is not an allowed field/);
    assert.match(await call(app, 'strict', { amount: '25' }), /amount must be number/);
    assert.equal(logs.audit('function_call').at(-1)?.args_coerced, undefined);
  });

  it('a 1 MB body of invented fields gives a bounded reply and bounded audit lines', async () => {
    const fields = Object.fromEntries(Array.from({ length: 15_000 }, (_, i) => [`${'x'.repeat(50)}${i}`, 1]));
    const before = logs.lines.length;
    const strictReply = await call(app, 'strict', { amount: 5, ...fields });
    assert.ok(strictReply.length < 1024, `reply of ${strictReply.length} characters`);
    assert.match(strictReply, /is not an allowed field; .*and 14995 more$/);
    const lenientReply = await call(app, 'lenient', { amount: 5, ...fields });
    assert.equal(lenientReply, JSON.stringify([['amount', 'number', 5]]));
    const written = logs.lines.slice(before);
    for (const line of written) assert.ok(line.length < 8192, `log line of ${line.length} bytes`);
    const dropped = logs.audit('function_call').at(-1);
    assert.equal((dropped?.args_dropped as string[]).length, 10);
    assert.equal(dropped?.args_dropped_count, 15_000);
  });

  it('the demo: an extra field and a spoken-number string still move money, once, for the right amount', async () => {
    const demo = testApp();
    const swml = await request(demo.app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'call-args' } });
    const { path } = tokenFor(swml.body, 'transfer_funds');
    const res = await request(demo.app)
      .post(path)
      .auth(USER, PASSWORD)
      .send(
        swaigBody(
          'transfer_funds',
          { amount: '25', to_account: '1234567890', memo: 'rent' },
          { call_id: 'call-args' },
        ),
      )
      .expect(200);
    assert.equal((res.body as { response: string }).response, 'Transferred $25 to account 1234567890');
    const line = demo.logs.audit('function_call').at(-1);
    assert.deepEqual(line?.args_coerced, ['amount']);
    assert.deepEqual(line?.args_dropped, ['memo']);
  });
});
