import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { functionTokens, keyId } from '../../../src/security/function-token.js';
import { newSessionSubject } from '../../../src/security/token-subject.js';
import { PASSWORD, TOKEN_SECRET, USER, swaigBody, testApp, tokenFor } from '../../helpers/app.js';

const SECRET = 'unit-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const PREVIOUS = 'unit-previous-0123456789-abcdefghijklmnopqrstuvw';
const THIRD = 'unit-third-0123456789-abcdefghijklmnopqrstuvwxyz0';
const FN = 'transfer_funds';
const CALL = 'call-abc-123';
const T0 = Date.UTC(2030, 0, 1);

const b64u = (s: string) => Buffer.from(s).toString('base64url');
const parts = (token: string): [string, string, string] => {
  const [kid = '', payload = '', mac = ''] = token.split('.');
  return [kid, payload, mac];
};
/** Decoded payload fields: fn, call_id, exp, nonce. */
const fields = (token: string) => Buffer.from(parts(token)[1], 'base64url').toString('utf8').split('\n');

/** Forges a token by the documented format with an arbitrary key (what an attacker without the secret can do). */
function forge(secret: string, kid: string, fn: string, call: string, exp: number, nonce = 'n0nce'): string {
  const mac = createHmac('sha256', secret)
    .update(`v1\n${kid}\n${fn}\n${call}\n${exp}\n${nonce}`)
    .digest('base64url');
  return `${kid}.${b64u(`${fn}\n${call}\n${exp}\n${nonce}`)}.${mac}`;
}

describe('function tokens: the happy path and the format', () => {
  it('a minted token verifies for its function and call, with the current key id', () => {
    let now = T0;
    const tokens = functionTokens({ secret: SECRET, ttlSeconds: 600, now: () => now });
    const token = tokens.mint(FN, CALL);
    const claims = tokens.verify(token, FN, CALL);
    assert.deepEqual(claims, {
      kid: keyId(SECRET),
      functionName: FN,
      callId: CALL,
      exp: T0 / 1000 + 600,
      session: false,
    });
    now += 1000;
    assert.equal(typeof tokens.verify(token, FN, CALL), 'object');
  });

  it('the forge helper matches the real format (so the attacks below are meaningful)', () => {
    const tokens = functionTokens({ secret: SECRET, ttlSeconds: 600, now: () => T0 });
    const good = forge(SECRET, keyId(SECRET), FN, CALL, T0 / 1000 + 60);
    assert.equal(typeof tokens.verify(good, FN, CALL), 'object');
  });

  it('two tokens for the same function and call differ (random nonce)', () => {
    const tokens = functionTokens({ secret: SECRET, ttlSeconds: 600, now: () => T0 });
    assert.notEqual(tokens.mint(FN, CALL), tokens.mint(FN, CALL));
  });

  it('the key id reveals nothing usable about the secret and differs per secret', () => {
    assert.notEqual(keyId(SECRET), keyId(PREVIOUS));
    assert.ok(!SECRET.includes(keyId(SECRET)));
    assert.match(keyId(SECRET), /^[A-Za-z0-9_-]{8}$/);
  });
});

describe('function tokens bound to a session (SWML fetched without a call id)', () => {
  const tokens = functionTokens({ secret: SECRET, ttlSeconds: 600, now: () => T0 });
  const session = newSessionSubject();
  const token = tokens.mint(FN, session);

  it('verify reports the session for the caller to bind, for any well-formed call_id', () => {
    assert.deepEqual(tokens.verify(token, FN, 'sw-call-1'), {
      kid: keyId(SECRET),
      functionName: FN,
      callId: session,
      exp: T0 / 1000 + 600,
      session: true,
    });
  });

  it('a missing, empty or malformed call_id (a session subject included) is wrong_call', () => {
    for (const call of [undefined, '', session, 'a b', 'x'.repeat(129)])
      assert.equal(tokens.verify(token, FN, call), 'wrong_call', String(call));
  });

  it('a call-bound token is never read as a session token, and sessions are fresh', () => {
    assert.equal((tokens.verify(tokens.mint(FN, CALL), FN, CALL) as { session: boolean }).session, false);
    assert.notEqual(newSessionSubject(), newSessionSubject());
    assert.match(session, /^~[A-Za-z0-9_-]{22}$/);
  });
});

describe('function tokens: attacks', () => {
  const tokens = functionTokens({ secret: SECRET, ttlSeconds: 600, now: () => T0 });
  const token = tokens.mint(FN, CALL);

  it('a token for another function is wrong_function', () => {
    assert.equal(tokens.verify(token, 'delete_account', CALL), 'wrong_function');
    assert.equal(tokens.verify(tokens.mint('post_prompt', CALL), FN, CALL), 'wrong_function');
  });

  it('a token for another call is wrong_call', () => {
    assert.equal(tokens.verify(token, FN, 'call-other'), 'wrong_call');
    assert.equal(tokens.verify(token, FN, `${CALL}x`), 'wrong_call');
    assert.equal(tokens.verify(token, FN, CALL.slice(0, -1)), 'wrong_call');
  });

  it('a missing or empty call_id fails (the check is never skipped)', () => {
    assert.equal(tokens.verify(token, FN, undefined), 'wrong_call');
    assert.equal(tokens.verify(token, FN, ''), 'wrong_call');
  });

  it('a missing or empty token is missing', () => {
    assert.equal(tokens.verify(undefined, FN, CALL), 'missing');
    assert.equal(tokens.verify('', FN, CALL), 'missing');
  });

  it('expires at exp, and not a millisecond before (fake timers through Date.now)', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: T0 });
    const clocked = functionTokens({ secret: SECRET, ttlSeconds: 60 });
    const short = clocked.mint(FN, CALL);
    t.mock.timers.tick(59_999);
    assert.equal(typeof clocked.verify(short, FN, CALL), 'object');
    t.mock.timers.tick(1);
    assert.equal(clocked.verify(short, FN, CALL), 'expired');
    t.mock.timers.tick(3_600_000);
    assert.equal(clocked.verify(short, FN, CALL), 'expired');
  });

  it('the `now` option drives expiry too', () => {
    let now = T0;
    const clocked = functionTokens({ secret: SECRET, ttlSeconds: 60, now: () => now });
    const short = clocked.mint(FN, CALL);
    now += 60_000;
    assert.equal(clocked.verify(short, FN, CALL), 'expired');
  });

  it('a tampered payload (other function, call or a later expiry, same MAC) is invalid', () => {
    const [kid, , mac] = parts(token);
    const [, , exp = '', nonce = ''] = fields(token);
    const cases = [
      `delete_account\n${CALL}\n${exp}\n${nonce}`,
      `${FN}\ncall-other\n${exp}\n${nonce}`,
      `${FN}\n${CALL}\n${Number(exp) + 86_400}\n${nonce}`,
      `${FN}\n${CALL}\n${exp}\n${nonce}x`,
    ];
    for (const payload of cases) {
      const tampered = `${kid}.${b64u(payload)}.${mac}`;
      const [fn = '', call = ''] = payload.split('\n');
      assert.equal(tokens.verify(tampered, fn, call), 'invalid', payload);
    }
  });

  it('an expired token with its expiry pushed forward is invalid, not accepted', () => {
    let now = T0;
    const clocked = functionTokens({ secret: SECRET, ttlSeconds: 60, now: () => now });
    const old = clocked.mint(FN, CALL);
    now += 3_600_000;
    const [kid, , mac] = parts(old);
    const [, , , nonce = ''] = fields(old);
    const revived = `${kid}.${b64u(`${FN}\n${CALL}\n${now / 1000 + 60}\n${nonce}`)}.${mac}`;
    assert.equal(clocked.verify(revived, FN, CALL), 'invalid');
  });

  it('a tampered signature is invalid (one flipped character, truncated, empty-looking, another token)', () => {
    const [kid, payload, mac] = parts(token);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [flip(mac, 0), flip(mac, 20), flip(mac, mac.length - 2)]) {
      assert.equal(tokens.verify(`${kid}.${payload}.${bad}`, FN, CALL), 'invalid', bad);
    }
    const other = parts(tokens.mint(FN, CALL))[2];
    assert.equal(tokens.verify(`${kid}.${payload}.${other}`, FN, CALL), 'invalid');
  });

  it('a token signed with a secret the attacker picked is refused (unknown key id, or the real kid: invalid)', () => {
    const exp = T0 / 1000 + 60;
    assert.equal(tokens.verify(forge(THIRD, keyId(THIRD), FN, CALL, exp), FN, CALL), 'unknown_key');
    assert.equal(tokens.verify(forge(THIRD, keyId(SECRET), FN, CALL, exp), FN, CALL), 'invalid');
    assert.equal(tokens.verify(forge('', keyId(SECRET), FN, CALL, exp), FN, CALL), 'invalid');
  });

  it('one token has exactly one spelling: junk around valid base64url is malformed, not accepted', () => {
    const [kid, payload, mac] = parts(token);
    const spellings: [string, string][] = [
      ['junk after the mac', `${kid}.${payload}.${mac}!!`],
      ['padding after the mac', `${kid}.${payload}.${mac}=`],
      ['junk inside the payload', `${kid}.${payload.slice(0, 4)}*${payload.slice(4)}.${mac}`],
      ['space inside the payload', `${kid}.${payload.slice(0, 4)} ${payload.slice(4)}.${mac}`],
      ['standard base64 alphabet', `${kid}.${payload}.${mac.replace(/-/g, '+').replace(/_/g, '/')}`],
      [
        'non-canonical last character',
        `${kid}.${payload}.${mac.slice(0, -1)}${mac.endsWith('B') ? 'C' : 'B'}`,
      ],
    ];
    for (const [name, bad] of spellings) {
      if (bad === token) continue;
      assert.equal(tokens.verify(bad, FN, CALL), 'malformed', name);
    }
  });

  it('an unknown key id is unknown_key', () => {
    const [, payload, mac] = parts(token);
    for (const kid of ['AAAAAAAA', 'x', keyId(PREVIOUS)]) {
      assert.equal(tokens.verify(`${kid}.${payload}.${mac}`, FN, CALL), 'unknown_key', kid);
    }
  });

  it('rejects junk as malformed (a table of broken tokens)', () => {
    const [kid, payload, mac] = parts(token);
    const junk: [string, string][] = [
      ['dots only', '..'],
      ['one dot', '.'],
      ['no dots', 'abcdef'],
      ['two parts', `${kid}.${payload}`],
      ['extra dot at the end', `${token}.`],
      ['extra part', `${token}.${mac}`],
      ['extra dot at the start', `.${token}`],
      ['empty payload', `${kid}..${mac}`],
      ['empty mac', `${kid}.${payload}.`],
      ['empty kid, payload and mac', '..'],
      ['huge', `${kid}.${'A'.repeat(5000)}.${mac}`],
      ['huge but well-formed looking', `${'A'.repeat(2000)}.${payload}.${mac}`],
      ['payload not base64', `${kid}.!!!***.${mac}`],
      ['payload with 3 fields', `${kid}.${b64u(`${FN}\n${CALL}\n123`)}.${mac}`],
      ['payload with 5 fields', `${kid}.${b64u(`${FN}\n${CALL}\n123\nn\nx`)}.${mac}`],
      ['expiry not a number', `${kid}.${b64u(`${FN}\n${CALL}\nsoon\nn`)}.${mac}`],
      ['negative expiry', `${kid}.${b64u(`${FN}\n${CALL}\n-1\nn`)}.${mac}`],
      ['expiry with exponent', `${kid}.${b64u(`${FN}\n${CALL}\n1e20\nn`)}.${mac}`],
      ['expiry too long', `${kid}.${b64u(`${FN}\n${CALL}\n${'9'.repeat(13)}\nn`)}.${mac}`],
      ['spaces', `${kid} . ${payload} . ${mac}`],
      ['JWT-looking', 'eyJhbGciOiJub25lIn0.eyJmbiI6InRyYW5zZmVyX2Z1bmRzIn0.'],
      ['mac truncated', `${kid}.${payload}.${mac.slice(0, 20)}`],
      ['mac too long', `${kid}.${payload}.${mac}AAAA`],
    ];
    for (const [name, bad] of junk) {
      assert.equal(tokens.verify(bad, FN, CALL), 'malformed', name);
    }
  });
});

describe('function tokens: secret rotation', () => {
  const exp = T0 / 1000 + 600;
  const oldTokens = functionTokens({ secret: PREVIOUS, ttlSeconds: 600, now: () => T0 });
  const rotated = functionTokens({
    secret: SECRET,
    previousSecret: PREVIOUS,
    ttlSeconds: 600,
    now: () => T0,
  });

  it('a token signed with the previous secret is still accepted', () => {
    const old = oldTokens.mint(FN, CALL);
    const claims = rotated.verify(old, FN, CALL);
    assert.equal(typeof claims, 'object');
    assert.equal((claims as { kid: string }).kid, keyId(PREVIOUS));
  });

  it('new tokens are signed with the current secret', () => {
    assert.equal(parts(rotated.mint(FN, CALL))[0], keyId(SECRET));
  });

  it('a token from a third secret is unknown_key', () => {
    const third = functionTokens({ secret: THIRD, ttlSeconds: 600, now: () => T0 }).mint(FN, CALL);
    assert.equal(rotated.verify(third, FN, CALL), 'unknown_key');
    assert.equal(rotated.verify(forge(THIRD, keyId(THIRD), FN, CALL, exp), FN, CALL), 'unknown_key');
  });

  it('a previous-secret token still binds function and call', () => {
    const old = oldTokens.mint(FN, CALL);
    assert.equal(rotated.verify(old, 'delete_account', CALL), 'wrong_function');
    assert.equal(rotated.verify(old, FN, 'call-other'), 'wrong_call');
  });

  it('once the previous secret is dropped, its tokens are unknown_key', () => {
    const after = functionTokens({ secret: SECRET, ttlSeconds: 600, now: () => T0 });
    assert.equal(after.verify(oldTokens.mint(FN, CALL), FN, CALL), 'unknown_key');
  });
});

describe('function tokens across app instances (replicas)', () => {
  it('a token minted by one app is accepted by a second app with the same secret', async () => {
    const a = testApp();
    const b = testApp();
    const other = testApp({ env: { SWML_TOKEN_SECRET: `${TOKEN_SECRET}-other` } });
    const swml = await request(a.app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'call-replica-1' } })
      .expect(200);
    const { path } = tokenFor(swml.body, FN);
    const body = swaigBody(FN, { amount: 5, to_account: '0123456789' }, { call_id: 'call-replica-1' });
    const res = await request(b.app).post(path).auth(USER, PASSWORD).send(body).expect(200);
    assert.match((res.body as { response: string }).response, /^Transferred \$5/);
    await request(other.app).post(path).auth(USER, PASSWORD).send(body).expect(403);
    const line = other.logs.audit('security').find((r) => r.type === 'token_rejected');
    assert.equal(line?.reason, 'unknown_key');
    await Promise.all([a.app.guard.close(), b.app.guard.close(), other.app.guard.close()]);
  });
});
