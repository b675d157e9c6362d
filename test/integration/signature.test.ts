import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import type { GuardApp } from '../../src/http/app.js';
import { signRequest } from '../../src/security/signature.js';
import { PASSWORD, TOKEN_SECRET, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';

const KEY = 'PSKtest-signing-key-0123456789abcdef';
const BASE = 'https://public.example.com/voice';

async function failures(app: GuardApp, reason: string): Promise<number> {
  const metric = app.guard.runtime.metrics.registry.getSingleMetric('swml_auth_failures_total');
  const { values } = (await metric?.get()) ?? { values: [] };
  return values.find((v) => v.labels.layer === 'signature' && v.labels.reason === reason)?.value ?? 0;
}

/** POSTs raw JSON text with an optional signature header. */
function post(app: GuardApp, path: string, text: string, signature?: string) {
  const req = request(app).post(path).auth(USER, PASSWORD).set('Content-Type', 'application/json');
  if (signature !== undefined) req.set('X-SignalWire-Signature', signature);
  return req.send(text);
}

describe('SignalWire request signatures (SIGNALWIRE_SIGNING_KEY + SWML_PROXY_URL_BASE)', () => {
  const { app, logs } = testApp({ env: { SIGNALWIRE_SIGNING_KEY: KEY, SWML_PROXY_URL_BASE: BASE } });
  const text = JSON.stringify(swaigBody('get_balance'));

  it('a correctly signed POST passes (public URL + raw body)', async () => {
    const res = await post(app, '/swaig', text, signRequest(KEY, `${BASE}/swaig`, Buffer.from(text)));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { response: 'Your balance is $150.00' });
  });

  it('the signature covers the exact raw bytes (whitespace kept), and upper-case hex is accepted', async () => {
    const spaced = '{ "function" : "get_balance",\n  "call_id": "c-1" }';
    const sig = signRequest(KEY, `${BASE}/swaig`, Buffer.from(spaced));
    await post(app, '/swaig', spaced, sig).expect(200);
    await post(app, '/swaig', spaced, sig.toUpperCase()).expect(200);
  });

  it('one changed byte anywhere in the body is 403 invalid', async () => {
    const sig = signRequest(KEY, `${BASE}/swaig`, Buffer.from(text));
    const before = await failures(app, 'invalid');
    // Bytes inside string values, so the JSON stays valid and only the signature can catch the change.
    const positions = [...text.matchAll(/[0-9a-z]/g)].map((m) => m.index);
    for (const i of [positions[0] ?? 0, positions[positions.length >> 1] ?? 0, positions.at(-1) ?? 0]) {
      const changed = `${text.slice(0, i)}${text[i] === 'x' ? 'y' : 'x'}${text.slice(i + 1)}`;
      const res = await post(app, '/swaig', changed, sig);
      assert.equal(res.status, 403, `byte ${i}`);
      assert.deepEqual(res.body, { error: 'forbidden' });
    }
    const tampered = text.replace('get_balance', 'get_balancf');
    await post(app, '/swaig', tampered, sig).expect(403);
    assert.equal(await failures(app, 'invalid'), before + 4);
    const line = logs.audit('security').at(-1);
    assert.equal(line?.type, 'signature_rejected');
    assert.equal(line?.reason, 'invalid');
  });

  it('a missing or empty header is 403 missing', async () => {
    const before = await failures(app, 'missing');
    await post(app, '/swaig', text).expect(403, { error: 'forbidden' });
    await post(app, '/swaig', text, '').expect(403, { error: 'forbidden' });
    assert.equal(await failures(app, 'missing'), before + 2);
  });

  it('a signature for another URL, path, query, key or scheme is 403', async () => {
    const raw = Buffer.from(text);
    const wrong = [
      signRequest(KEY, `${BASE}/post_prompt`, raw),
      signRequest(KEY, `${BASE}/swaig?x=1`, raw),
      signRequest(KEY, 'http://public.example.com/voice/swaig', raw),
      signRequest(KEY, 'https://evil.example/voice/swaig', raw),
      signRequest(KEY, '/swaig', raw),
      signRequest(`${KEY}x`, `${BASE}/swaig`, raw),
      signRequest(KEY, `${BASE}/swaig`, Buffer.from(`${text} `)),
      'not-hex',
      '0'.repeat(40),
    ];
    for (const sig of wrong) await post(app, '/swaig', text, sig).expect(403);
  });

  it('client headers cannot change the URL that is checked', async () => {
    const sig = signRequest(KEY, 'https://evil.example/swaig', Buffer.from(text));
    await post(app, '/swaig', text, sig)
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https')
      .expect(403);
  });

  it('the query string is part of the signed URL (secure tool with its token)', async () => {
    const doc = await post(
      app,
      '/',
      '{"call":{"call_id":"call-sig"}}',
      signRequest(KEY, `${BASE}/`, Buffer.from('{"call":{"call_id":"call-sig"}}')),
    );
    assert.equal(doc.status, 200, doc.text);
    const { url } = tokenFor(doc.body, 'transfer_funds');
    const parsed = new URL(url);
    assert.equal(`${parsed.origin}${parsed.pathname}`, `${BASE}/swaig`);
    const body = JSON.stringify(
      swaigBody('transfer_funds', { amount: 5, to_account: '0123456789' }, { call_id: 'call-sig' }),
    );
    const path = `/swaig${parsed.search}`;
    await post(app, path, body, signRequest(KEY, `${BASE}/swaig`, Buffer.from(body))).expect(403);
    await post(app, path, body, signRequest(KEY, `${BASE}${path}`, Buffer.from(body))).expect(200);
  });

  it('the password alone mints no token: GET and POST of the SWML document and post_prompt need a signature', async () => {
    const before = await failures(app, 'missing');
    const get = await request(app).get('/').auth(USER, PASSWORD);
    assert.equal(get.status, 403, 'an unsigned GET used to return the SWML with a token per secure tool');
    assert.deepEqual(get.body, { error: 'forbidden' });
    assert.ok(!get.text.includes('__token'));
    await request(app).get('/?call_id=victim-call').auth(USER, PASSWORD).expect(403);
    await post(app, '/', '{"call":{"call_id":"attacker-picked"}}').expect(403);
    await post(app, '/post_prompt', '{}').expect(403);
    assert.equal(await failures(app, 'missing'), before + 4);
    const line = logs.audit('security').at(-1);
    assert.equal(line?.type, 'signature_rejected');
  });

  it('a GET signed over the public URL and an empty body is served; the query is part of the URL', async () => {
    const empty = Buffer.alloc(0);
    const res = await request(app)
      .get('/')
      .auth(USER, PASSWORD)
      .set('X-SignalWire-Signature', signRequest(KEY, `${BASE}/`, empty))
      .expect(200);
    assert.ok(tokenFor(res.body, 'transfer_funds').token);
    await request(app)
      .get('/?a=1')
      .auth(USER, PASSWORD)
      .set('X-SignalWire-Signature', signRequest(KEY, `${BASE}/?a=1`, empty))
      .expect(200);
    const forged = [
      signRequest(KEY, `${BASE}/`, empty), // for the URL without the query
      signRequest(`${KEY}x`, `${BASE}/?a=1`, empty),
      signRequest(KEY, 'https://evil.example/voice/?a=1', empty),
    ];
    for (const sig of forged)
      await request(app).get('/?a=1').auth(USER, PASSWORD).set('X-SignalWire-Signature', sig).expect(403);
  });

  it("a signed GET's signature does not sign a POST with a body (replay with a chosen call_id)", async () => {
    const getSig = signRequest(KEY, `${BASE}/`, Buffer.alloc(0));
    await post(app, '/', '{"call":{"call_id":"attacker-picked"}}', getSig).expect(403);
  });

  it('Basic Auth still comes first (401 even with a good signature); the envelope is checked after (403, not 400)', async () => {
    await request(app)
      .post('/swaig')
      .auth(USER, 'wrong')
      .set('X-SignalWire-Signature', signRequest(KEY, `${BASE}/swaig`, Buffer.from(text)))
      .set('Content-Type', 'application/json')
      .send(text)
      .expect(401);
    await post(app, '/swaig', '{"function":"bad name"}').expect(403);
  });

  it('the raw bytes are checked before parsing: an unsigned sender never sees the parser (403, not 400)', async () => {
    for (const junk of ['{"function":', '[1,2]', 'null']) {
      const res = await post(app, '/swaig', junk);
      assert.deepEqual([res.status, res.body], [403, { error: 'forbidden' }], junk);
    }
    const signedJunk = '{"function":';
    await post(app, '/swaig', signedJunk, signRequest(KEY, `${BASE}/swaig`, Buffer.from(signedJunk))).expect(
      400,
    );
  });
});

describe('without SIGNALWIRE_SIGNING_KEY', () => {
  it('no signature is needed', async () => {
    const { app } = testApp({ env: { SWML_PROXY_URL_BASE: BASE } });
    await post(app, '/swaig', JSON.stringify(swaigBody('get_balance'))).expect(200);
  });
});

describe('the signed URL never comes from client headers', () => {
  it('SIGNALWIRE_SIGNING_KEY without SWML_PROXY_URL_BASE (and without direct TLS) stops startup', () => {
    for (const extra of [{}, { SWML_TRUST_PROXY: '1' }]) {
      assert.throws(
        () =>
          loadConfig({
            env: {
              SWML_BASIC_AUTH_PASSWORD: PASSWORD,
              SWML_TOKEN_SECRET: TOKEN_SECRET,
              SIGNALWIRE_SIGNING_KEY: KEY,
              ...extra,
            },
          }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.code === 'ERR_SWML_SIGNING_URL' &&
          err.exitCode === 78 &&
          err.message.includes('SWML_PROXY_URL_BASE') &&
          !err.message.includes(KEY),
      );
    }
  });
});
