// Redaction: every route driven with known secrets and sensitive arguments; no log line may hold one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { ADMIN_TOKEN, TOKEN_SECRET, USER, swaigBody, testApp } from '../helpers/app.js';

/** Characters that URL encoding changes, so the percent-encoded form is a distinct value to look for. */
const PASSWORD = 'p@ss:w/rd %+&?#-0123456789-abcdefghij-KLMNOP';
const WRONG_PASSWORD = 'almost-the-real-one: Wr0ng-Guess-Sensitive-4242';
const PIN = '48213579';
const SSN = '123-45-6789';
const NEW_PASSWORD = 'N3w-Online-Banking-Passw0rd!';

function agent() {
  const a = createBankAgent();
  a.defineTool<{ pin: string; ssn: string }>({
    secure: false,
    name: 'verify_identity',
    description: 'Verify the caller with their PIN and SSN.',
    parameters: {
      type: 'object',
      properties: { pin: { type: 'string', pattern: '^[0-9]{4,8}$' }, ssn: { type: 'string' } },
      required: ['pin', 'ssn'],
    },
    handler: (_args, _raw, ctx) => {
      ctx.logger.info('verifying identity');
      return 'verified';
    },
  });
  return a;
}

interface Doc {
  sections: {
    main: [
      unknown,
      {
        ai: { post_prompt_url: string; SWAIG: { functions: { function: string; web_hook_url?: string }[] } };
      },
    ];
  };
}

/** Every token minted into a document, keyed by function (post_prompt included). */
function tokensOf(doc: Doc): Map<string, string> {
  const ai = doc.sections.main[1].ai;
  const out = new Map<string, string>();
  for (const f of ai.SWAIG.functions) {
    const token = f.web_hook_url ? new URL(f.web_hook_url).searchParams.get('__token') : null;
    if (token) out.set(f.function, token);
  }
  out.set('post_prompt', new URL(ai.post_prompt_url).searchParams.get('__token') ?? '');
  return out;
}

describe('no secret reaches any log line', () => {
  it('drives every route with known secrets and finds none of them in the captured logs', async () => {
    const { app, logs } = testApp({
      agent: agent(),
      env: {
        SWML_BASIC_AUTH_PASSWORD: PASSWORD,
        SWML_MAX_REQUEST_SIZE: '2kb',
        SWML_CALLER_FUNCTION_LIMIT: '3',
        LOG_LEVEL: 'trace',
      },
    });
    const internal = request(app.guard.internal);
    const adminPost = (path: string, body: object, token = ADMIN_TOKEN) =>
      internal.post(path).set('Authorization', `Bearer ${token}`).send(body);
    const tokens: string[] = [];
    const call = { call_id: 'call-redact', from: '+15551239876' };

    // SWML: GET and POST (the documents carry the password and the tokens).
    const get = await request(app).get('/').auth(USER, PASSWORD);
    assert.equal(get.status, 200);
    tokens.push(...tokensOf(get.body as Doc).values());
    const post = await request(app).post('/').auth(USER, PASSWORD).send({ call });
    assert.equal(post.status, 200);
    const minted = tokensOf(post.body as Doc);
    tokens.push(...minted.values());
    assert.ok(JSON.stringify(post.body).includes(encodeURIComponent(PASSWORD)), 'the document does hold it');

    const swaig = (fn: string, args: Record<string, unknown>, token?: string, param = '__token') =>
      request(app)
        .post(token === undefined ? '/swaig' : `/swaig?${param}=${encodeURIComponent(token)}`)
        .auth(USER, PASSWORD)
        .send(swaigBody(fn, args, { call_id: call.call_id, caller_id_num: call.from }));
    const sensitive = { pin: PIN, ssn: SSN };
    // ok
    assert.deepEqual((await swaig('verify_identity', sensitive)).body, { response: 'verified' });
    const changed = await swaig(
      'change_password',
      { new_password: NEW_PASSWORD },
      minted.get('change_password'),
    );
    assert.deepEqual(changed.body, { response: 'Your password has been changed.' });
    // secure refused: no token, another function's token, the token under its alternative name
    assert.equal((await swaig('change_password', { new_password: NEW_PASSWORD })).status, 403);
    const wrongFn = await swaig(
      'change_password',
      { new_password: NEW_PASSWORD },
      minted.get('transfer_funds'),
    );
    assert.equal(wrongFn.status, 403);
    const alt = await swaig(
      'change_password',
      { new_password: NEW_PASSWORD },
      minted.get('change_password'),
      'token',
    );
    assert.equal(alt.status, 200);
    // invalid arguments (the bad values are sensitive too)
    const invalid = await swaig('verify_identity', { pin: `x${PIN}`, ssn: SSN, password: PASSWORD });
    assert.match((invalid.body as { response: string }).response, /^Invalid arguments/);
    const weak = await swaig('change_password', { new_password: 'short' }, minted.get('change_password'));
    assert.match((weak.body as { response: string }).response, /^Invalid arguments/);
    // refused by the caller limit and by emergency mode
    await swaig('verify_identity', sensitive);
    assert.equal(
      ((await swaig('verify_identity', sensitive)).body as { response: string }).response,
      "You've made too many requests. Please wait a moment.",
    );
    assert.equal(
      (await adminPost('/admin/emergency', { level: 'secure', reason: 'fraud spike' })).status,
      200,
    );
    const blocked = await swaig(
      'change_password',
      { new_password: NEW_PASSWORD },
      minted.get('change_password'),
    );
    assert.deepEqual(blocked.body, { response: 'This service is temporarily unavailable.' });
    assert.equal((await adminPost('/admin/functions/verify_identity', { enabled: false })).status, 200);
    assert.equal((await adminPost('/admin/emergency', { level: 'off' })).status, 200);
    assert.equal(
      (await internal.get('/admin/status').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).status,
      200,
    );
    assert.equal(
      (await adminPost('/admin/emergency', { level: 'all' }, `${ADMIN_TOKEN.slice(0, -2)}zz`)).status,
      401,
    );
    assert.equal((await adminPost('/admin/emergency', { level: 'all' }, PASSWORD)).status, 401);
    assert.equal((await internal.get('/metrics')).status, 200);

    // post_prompt: good, then replayed (revoked) and tampered
    const ppPath = `/post_prompt?__token=${encodeURIComponent(minted.get('post_prompt') ?? '')}`;
    const summary = {
      call_id: call.call_id,
      action: 'post_conversation',
      post_prompt_data: { raw: `caller said pin ${PIN}`, parsed: [{ pin: PIN }] },
    };
    assert.equal((await request(app).post(ppPath).auth(USER, PASSWORD).send(summary)).status, 200);
    assert.equal((await request(app).post(ppPath).auth(USER, PASSWORD).send(summary)).status, 403);
    const revoked = await swaig(
      'change_password',
      { new_password: NEW_PASSWORD },
      minted.get('change_password'),
    );
    assert.equal(revoked.status, 403);
    assert.equal((await request(app).post(`${ppPath}x`).auth(USER, PASSWORD).send(summary)).status, 403);

    // failed auth: a wrong password that is itself sensitive, the right one for another user, no scheme
    assert.equal((await request(app).get('/').auth(USER, WRONG_PASSWORD)).status, 401);
    assert.equal((await request(app).post('/swaig').auth('admin', PASSWORD).send({})).status, 401);
    const bare = await request(app).get('/').set('Authorization', `Basic ${PASSWORD}`);
    assert.equal(bare.status, 401);
    const inUrl = await request(app).get(
      `/?password=${encodeURIComponent(PASSWORD)}&__token=${tokens[0] ?? ''}`,
    );
    assert.equal(inUrl.status, 401);

    // HTTP errors: 404, 405, 413, 415, 400, each carrying secrets where a client might put them
    const notFound = await request(app)
      .post(`/nope?__token=${encodeURIComponent(minted.get('transfer_funds') ?? '')}`)
      .auth(USER, PASSWORD)
      .send({ pin: PIN });
    assert.equal(notFound.status, 404);
    const unknownFn = await swaig('no_such_tool', sensitive, minted.get('delete_account'));
    assert.equal(unknownFn.status, 404);
    assert.equal((await request(app).put('/').auth(USER, PASSWORD).send({ pin: PIN })).status, 405);
    const big = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('verify_identity', { pin: PIN, ssn: SSN, pad: 'x'.repeat(4096) }));
    assert.equal(big.status, 413);
    const text = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .set('Content-Type', 'text/plain')
      .send(`pin=${PIN}&password=${PASSWORD}`);
    assert.equal(text.status, 415);
    const malformed = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .set('Content-Type', 'application/json')
      .send(`{"function":"verify_identity","argument":{"parsed":[{"pin":"${PIN}","ssn":"${SSN}"`);
    assert.equal(malformed.status, 400);
    const envelope = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send({ function: 'bad name!', pin: PIN, password: PASSWORD });
    assert.equal(envelope.status, 400);

    // The check: every line, every level.
    const forbidden: [string, string][] = [
      ['Basic Auth password', PASSWORD],
      ['percent-encoded password', encodeURIComponent(PASSWORD)],
      ['base64 credentials', Buffer.from(`${USER}:${PASSWORD}`).toString('base64')],
      ['wrong password', WRONG_PASSWORD],
      ['token secret', TOKEN_SECRET],
      ['admin token', ADMIN_TOKEN],
      ['pin', PIN],
      ['ssn', SSN],
      ['new_password', NEW_PASSWORD],
    ];
    for (const token of new Set(tokens)) {
      forbidden.push(['minted token', token], ['token signature', token.split('.')[2] ?? token]);
    }
    assert.ok(logs.lines.length > 40, `captured ${logs.lines.length} lines`);
    for (const line of logs.lines) {
      for (const [what, value] of forbidden) {
        assert.ok(!line.includes(value), `${what} leaked in: ${line}`);
      }
    }

    // Redaction is visible where arguments were logged.
    const calls = logs.audit('function_call');
    const verify = calls.find((e) => e.function === 'verify_identity' && e.outcome === 'ok');
    assert.deepEqual(verify?.args, { pin: '[REDACTED]', ssn: '[REDACTED]' });
    const change = calls.find((e) => e.function === 'change_password' && e.outcome === 'ok');
    assert.deepEqual(change?.args, { new_password: '[REDACTED]' });
    const bad = calls.find((e) => e.function === 'verify_identity' && e.outcome === 'invalid_args');
    // The invented `password` field was dropped before validation: its name is noted, its value never logged.
    assert.deepEqual(bad?.args, { pin: '[REDACTED]', ssn: '[REDACTED]' });
    assert.deepEqual(bad?.args_dropped, ['password']);
    const urls = logs.records
      .filter((r) => r.msg === 'request completed')
      .map((r) => (r.req as { url: string }).url);
    assert.ok(
      urls.some((u) => u.includes('__token=[REDACTED]')),
      'token query values are redacted',
    );
    assert.ok(urls.some((u) => u.includes('token=[REDACTED]')));
  });
});

describe('redaction by meaning and in any encoding (issue 11)', () => {
  const CARD = '4111 1111 1111 1111';
  const IBAN = 'DE89370400440532013000';
  const sensitiveArgs = {
    newPassword: 'Hunter2-camel-0001',
    'new-password': 'Hunter2-kebab-0002',
    card: { number: '5555555555554444', cvv: '737' },
    'card.number': '4012888888881881',
    otp: '918273',
    mfa_code: '564738',
    totp: '019283',
    iban: IBAN,
    account_number: '99887766554433',
    routing_number: '021000021',
    api_key: 'sk_live_api_key_0003',
    passwd: 'Hunter2-passwd-0004',
    note: `card is ${CARD}`,
  };

  function openAgent() {
    const a = createBankAgent();
    a.defineTool({
      name: 'profile_update',
      description: 'Update the profile.',
      secure: false,
      parameters: { type: 'object', additionalProperties: true },
      handler: (_args, raw, ctx) => {
        ctx.logger.info(
          { caller: raw.caller_id_num, from: raw.caller_id_num },
          `updating for ${ctx.callerId ?? ''}`,
        );
        ctx.logger.info('calling back %s', ctx.callerId);
        ctx.audit('profile_changed', { fields: Object.keys(_args), newPassword: 'Hunter2-camel-0001' });
        return 'updated';
      },
    });
    a.defineTool({
      name: 'strict_update',
      description: 'Strict schema: the same arguments are invalid here.',
      secure: false,
      strictArguments: true,
      parameters: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: false },
      handler: () => 'never',
    });
    return a;
  }

  it('camelCase, kebab, dotted and nested names, names the list missed, card numbers, in audit lines', async (t) => {
    const { app, logs } = testApp({ agent: openAgent(), env: { SWML_BASIC_AUTH_PASSWORD: PASSWORD } });
    t.after(() => app.guard.close());
    const caller = '+15557654321';
    const send = (fn: string) =>
      request(app)
        .post('/swaig')
        .auth(USER, PASSWORD)
        .send(swaigBody(fn, sensitiveArgs, { caller_id_num: caller }));
    assert.deepEqual((await send('profile_update')).body, { response: 'updated' });
    const invalid = await send('strict_update');
    assert.match((invalid.body as { response: string }).response, /^Invalid arguments/);

    const forbidden = [
      ...['Hunter2-camel-0001', 'Hunter2-kebab-0002', 'Hunter2-passwd-0004', 'sk_live_api_key_0003'],
      ...['5555555555554444', '4012888888881881', '737', '918273', '564738', '019283'],
      ...[IBAN, '99887766554433', '021000021', CARD, '4111111111111111', '7654321'],
    ];
    for (const line of logs.lines) {
      for (const value of forbidden) assert.ok(!line.includes(value), `${value} leaked in: ${line}`);
    }
    const [ok] = logs.audit('function_call').filter((e) => e.outcome === 'ok');
    assert.deepEqual(ok?.args, {
      newPassword: '[REDACTED]',
      'new-password': '[REDACTED]',
      card: { number: '[REDACTED]', cvv: '[REDACTED]' },
      'card.number': '[REDACTED]',
      otp: '[REDACTED]',
      mfa_code: '[REDACTED]',
      totp: '[REDACTED]',
      iban: '***3000',
      account_number: '***4433',
      routing_number: '***0021',
      api_key: '[REDACTED]',
      passwd: '[REDACTED]',
      note: 'card is [card ***1111]',
    });
    const [bad] = logs.audit('function_call').filter((e) => e.outcome === 'invalid_args');
    assert.deepEqual(bad?.args, ok?.args, 'invalid-argument lines are redacted the same way');
    assert.equal(logs.audit('profile_changed')[0]?.newPassword, '[REDACTED]', 'ctx.audit() details too');
  });

  it('ctx.logger masks the caller number like the audit log, in objects and in messages', async (t) => {
    const { app, logs } = testApp({ agent: openAgent(), env: { SWML_BASIC_AUTH_PASSWORD: PASSWORD } });
    t.after(() => app.guard.close());
    await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('profile_update', {}, { caller_id_num: '+15557654321' }));
    const lines = logs.records.filter((r) => r.function === 'profile_update' && r.audit === undefined);
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map((r) => [r.caller, r.from, r.msg]),
      [
        ['***4321', '***4321', 'updating for ***4321'],
        ['***4321', undefined, 'calling back ***4321'],
      ],
    );
    for (const line of logs.lines) assert.ok(!line.includes('7654321'), line);
  });

  it('the configured secrets in every encoding, in URLs a client sent, never reach a log line', async (t) => {
    const password = 'p@ss:w/rd %+&-0123456789-Encoded-PW';
    const { app, logs } = testApp({ env: { SWML_BASIC_AUTH_PASSWORD: password } });
    t.after(() => app.guard.close());
    const upper = encodeURIComponent(password);
    const forms: [string, string][] = [
      ['percent-encoded, upper-case hex', upper],
      ['percent-encoded, lower-case hex', upper.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
      ['every byte percent-encoded', [...Buffer.from(password)].map((b) => `%${b.toString(16)}`).join('')],
      ['base64 user:password', Buffer.from(`${USER}:${password}`).toString('base64')],
      ['base64url user:password', Buffer.from(`${USER}:${password}`).toString('base64url')],
      ['token secret, percent-encoded', encodeURIComponent(TOKEN_SECRET).replace(/-/g, '%2D')],
      ['admin token, lower-case hex', ADMIN_TOKEN.replace(/-/g, '%2d')],
    ];
    const swml = await request(app)
      .post('/')
      .auth(USER, password)
      .send({ call: { call_id: 'enc-1' } });
    const token = tokensOf(swml.body as Doc).get('transfer_funds') ?? '';
    const encodedToken = token.replace(/\./g, '%2E');
    for (const [, form] of forms) {
      await request(app).get(`/?x=${form}`);
      await request(app).get(`/?x=${form}`).auth(USER, password);
    }
    // The token under an encoded parameter name, and with encoded dots.
    await request(app)
      .post(`/swaig?%5F%5Ftoken=${token}`)
      .auth(USER, password)
      .send(swaigBody('transfer_funds', {}));
    await request(app)
      .post(`/swaig?%5f%5ftoken=${encodedToken}`)
      .auth(USER, password)
      .send(swaigBody('transfer_funds', {}));
    await request(app).get(`/nowhere?q=${encodedToken}`).auth(USER, password);
    forms.push(
      ['minted token', token],
      ['minted token, dots encoded', encodedToken],
      ['token mac', token.split('.')[2] ?? token],
    );
    for (const line of logs.lines) {
      for (const [what, value] of forms) assert.ok(!line.includes(value), `${what} leaked in: ${line}`);
    }
    assert.ok(
      logs.lines.some((l) => l.includes('%5F%5Ftoken=[REDACTED]')),
      'the encoded name is still redacted',
    );
  });
});
