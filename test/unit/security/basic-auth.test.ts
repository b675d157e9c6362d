import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import request from 'supertest';
import { basicAuthChecker, WWW_AUTHENTICATE } from '../../../src/security/basic-auth.js';
import type { GuardApp } from '../../../src/http/app.js';
import { PASSWORD, USER, swaigBody, testApp } from '../../helpers/app.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const req = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as unknown as Request;

describe('basicAuthChecker', () => {
  const password = 'pa:ss:wörd-0123456789-abcdefghijklmnop';
  const check = basicAuthChecker({
    user: 'signalwire',
    password,
    previousPassword: 'old-password-0123456789-abcdefghijk',
  });

  it('accepts the right credentials with any case of the scheme', () => {
    for (const scheme of ['Basic', 'basic', 'BASIC', 'bAsIc']) {
      assert.equal(check(req(`${scheme} ${b64(`signalwire:${password}`)}`)), undefined, scheme);
    }
  });

  it('a password containing ":" is split at the first colon only', () => {
    assert.equal(check(req(`Basic ${b64(`signalwire:${password}`)}`)), undefined);
    assert.equal(check(req(`Basic ${b64(`signalwire:pa`)}`)), 'invalid');
    assert.equal(check(req(`Basic ${b64(`signalwire:pa:ss`)}`)), 'invalid');
  });

  it('accepts the previous password during a rotation, and nothing else', () => {
    assert.equal(check(req(`Basic ${b64('signalwire:old-password-0123456789-abcdefghijk')}`)), undefined);
    assert.equal(check(req(`Basic ${b64('signalwire:older-password-0123456789-abcdefghij')}`)), 'invalid');
    const noRotation = basicAuthChecker({ user: 'signalwire', password, previousPassword: '' });
    assert.equal(
      noRotation(req(`Basic ${b64('signalwire:')}`)),
      'invalid',
      'an empty previous password is not a password',
    );
  });

  const cases: [string, string | undefined, string][] = [
    ['no header', undefined, 'missing'],
    ['an empty header', '', 'missing'],
    ['wrong user', `Basic ${b64(`admin:${password}`)}`, 'invalid'],
    ['wrong password', `Basic ${b64('signalwire:wrong')}`, 'invalid'],
    ['both wrong', `Basic ${b64('admin:wrong')}`, 'invalid'],
    ['user with different case', `Basic ${b64(`SignalWire:${password}`)}`, 'invalid'],
    ['password with a trailing space', `Basic ${b64(`signalwire:${password} `)}`, 'invalid'],
    ['password prefix', `Basic ${b64(`signalwire:${password.slice(0, -1)}`)}`, 'invalid'],
    ['empty user and password', `Basic ${b64(':')}`, 'invalid'],
    ['user only with colon', `Basic ${b64('signalwire:')}`, 'invalid'],
    ['no colon', `Basic ${b64('signalwire')}`, 'malformed'],
    ['not base64', 'Basic !!!notbase64', 'malformed'],
    [
      'base64 with a space inside',
      `Basic ${b64('signalwire:x').slice(0, 4)} ${b64('signalwire:x').slice(4)}`,
      'malformed',
    ],
    ['base64url alphabet', `Basic ${Buffer.from('signalwire:?>?>').toString('base64url')}`, 'malformed'],
    ['Bearer', 'Bearer x', 'malformed'],
    ['Bearer with valid base64 credentials', `Bearer ${b64(`signalwire:${password}`)}`, 'malformed'],
    ['Digest', 'Digest username="signalwire"', 'malformed'],
    ['Basic alone', 'Basic', 'malformed'],
    ['Basic and spaces', 'Basic    ', 'malformed'],
    ['Basicx scheme', `Basicx ${b64(`signalwire:${password}`)}`, 'malformed'],
    ['huge', `Basic ${'A'.repeat(5000)}`, 'malformed'],
    ['credentials in the scheme position', b64(`signalwire:${password}`), 'malformed'],
  ];
  for (const [name, header, reason] of cases) {
    it(`${name} -> ${reason}`, () => {
      assert.equal(check(req(header)), reason);
    });
  }

  it('a UTF-8 password works only in UTF-8', () => {
    assert.equal(check(req(`Basic ${b64(`signalwire:${password}`)}`)), undefined);
    const latin1 = Buffer.from(`signalwire:${password}`, 'latin1').toString('base64');
    assert.equal(check(req(`Basic ${latin1}`)), 'invalid');
  });
});

describe('Basic Auth over HTTP', () => {
  const { app, logs } = testApp({
    env: {
      SWML_AUTH_FAILURE_LIMIT: '100000',
      SWML_BASIC_AUTH_PASSWORD_PREVIOUS: 'previous-password-0123456789-abcdefg',
    },
  });
  const routes: ['get' | 'post', string][] = [
    ['get', '/'],
    ['post', '/'],
    ['post', '/swaig'],
    ['post', '/post_prompt'],
    ['get', '/?x=1'],
    ['post', '/swaig/'],
  ];
  async function basicFailures(a: GuardApp, reason: string): Promise<number> {
    const metric = a.guard.runtime.metrics.registry.getSingleMetric('swml_auth_failures_total');
    const { values } = (await metric?.get()) ?? { values: [] };
    return values.find((v) => v.labels.layer === 'basic' && v.labels.reason === reason)?.value ?? 0;
  }

  const bad: [string, Record<string, string>, string][] = [
    ['missing', {}, 'missing'],
    ['wrong user', { Authorization: `Basic ${b64(`admin:${PASSWORD}`)}` }, 'invalid'],
    ['wrong password', { Authorization: `Basic ${b64(`${USER}:nope`)}` }, 'invalid'],
    ['no colon', { Authorization: `Basic ${b64(USER)}` }, 'malformed'],
    ['not base64', { Authorization: 'Basic %%%' }, 'malformed'],
    ['Bearer x', { Authorization: 'Bearer x' }, 'malformed'],
    ['Basic alone', { Authorization: 'Basic' }, 'malformed'],
    ['huge (10 kB)', { Authorization: `Basic ${'A'.repeat(10_000)}` }, 'malformed'],
  ];
  for (const [method, path] of routes) {
    for (const [name, headers, reason] of bad) {
      it(`${method.toUpperCase()} ${path}, ${name}: 401 + WWW-Authenticate, counted as ${reason}`, async () => {
        const before = await basicFailures(app, reason);
        const res = await request(app)[method](path).set(headers).send(swaigBody('get_balance'));
        assert.equal(res.status, 401);
        assert.equal(res.headers['www-authenticate'], 'Basic realm="swml-guard"');
        assert.equal(WWW_AUTHENTICATE, 'Basic realm="swml-guard"');
        assert.equal(res.text, '{"error":"unauthorized"}');
        assert.equal(await basicFailures(app, reason), before + 1);
        // Repeated refusals of one kind from one client are aggregated: the first is written in full.
        const lines = logs.audit('security').filter((e) => e.type === 'auth_failure' && !e.summary);
        assert.ok(
          lines.some((e) => e.layer === 'basic' && e.reason === reason),
          `an auth_failure line with reason ${reason}`,
        );
      });
    }
  }

  it('the answer does not say whether the user or the password was wrong', async () => {
    const a = await request(app).get('/').auth('admin', PASSWORD);
    const b = await request(app).get('/').auth(USER, 'nope');
    assert.equal(a.text, b.text);
    assert.equal(a.headers['www-authenticate'], b.headers['www-authenticate']);
  });

  it('lowercase and uppercase scheme names, the current and the previous password are accepted', async () => {
    for (const scheme of ['basic', 'BASIC']) {
      await request(app)
        .get('/')
        .set('Authorization', `${scheme} ${b64(`${USER}:${PASSWORD}`)}`)
        .expect(200);
    }
    await request(app).get('/').auth(USER, 'previous-password-0123456789-abcdefg').expect(200);
  });

  it('a password containing ":", "@" and non-ASCII works end to end', async () => {
    const password = 'a:b@c:ü-0123456789-abcdefghijklmnopqr';
    const t = testApp({ env: { SWML_BASIC_AUTH_PASSWORD: password } });
    await request(t.app)
      .get('/')
      .set('Authorization', `Basic ${b64(`${USER}:${password}`)}`)
      .expect(200);
    await request(t.app)
      .get('/')
      .set('Authorization', `Basic ${b64(`${USER}:a`)}`)
      .expect(401);
  });

  it('a header too large for Node is refused before the app (431), never a 500', async () => {
    const res = await request(app)
      .get('/')
      .set('Authorization', `Basic ${'A'.repeat(20_000)}`)
      .ok(() => true);
    assert.equal(res.status, 431);
  });

  it('unauthenticated probes never see the SWML, credentials or tokens', async () => {
    const res = await request(app).get('/');
    assert.ok(!res.text.includes('web_hook_url'));
    assert.ok(!res.text.includes(PASSWORD));
  });
});
