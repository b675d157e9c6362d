import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { PASSWORD, USER, testApp, type TestApp } from '../helpers/app.js';

/** Every URL in a SWML document (post_prompt_url, per-tool and default web_hook_url). */
function urlsOf(swml: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string' && /^[a-z]+:\/\//i.test(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(swml);
  return out;
}

/** The demo renders 1 post_prompt_url + 3 secure web_hook_urls + 1 default. */
const URL_COUNT = 5;

interface Listening extends TestApp {
  server: Server;
  port: number;
}

/** A real listener on 127.0.0.1, so the port in the URLs is known exactly. */
async function listening(env: Record<string, string> = {}): Promise<Listening> {
  const t = testApp({ env });
  const server = createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { ...t, server, port: (server.address() as AddressInfo).port };
}

async function stop(l: Listening): Promise<void> {
  await new Promise<void>((resolve) => l.server.close(() => resolve()));
  await l.app.guard.close();
}

async function swml(l: Listening, headers: Record<string, string> = {}) {
  const res = await request(l.server)
    .post('/')
    .auth(USER, PASSWORD)
    .set(headers)
    .send({ call: { call_id: 'call-proxy' } });
  assert.equal(res.status, 200, res.text);
  const urls = urlsOf(res.body);
  assert.equal(urls.length, URL_COUNT);
  return { res, urls, origins: [...new Set(urls.map((u) => new URL(u).origin))] };
}

const SPOOFS: [string, Record<string, string>][] = [
  ['X-Forwarded-Host', { 'X-Forwarded-Host': 'evil.example' }],
  ['X-Forwarded-Proto', { 'X-Forwarded-Proto': 'https' }],
  ['both X-Forwarded-*', { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' }],
  ['Forwarded (RFC 7239)', { Forwarded: 'host=evil.example;proto=https' }],
  ['Host', { Host: 'evil.example' }],
  ['Host with port', { Host: 'evil.example:443' }],
  [
    'X-Forwarded-Server and X-Original-Host',
    { 'X-Forwarded-Server': 'evil.example', 'X-Original-Host': 'evil.example' },
  ],
  [
    'everything at once',
    {
      Host: 'evil.example',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'https',
      Forwarded: 'for=1.2.3.4;host=evil.example;proto=https',
      'X-Forwarded-Port': '443',
    },
  ],
];

describe('untrusted client (SWML_TRUST_PROXY=0): forwarded and Host headers change nothing', () => {
  let l: Listening;
  before(async () => {
    l = await listening();
  });
  after(() => stop(l));

  it('a clean request builds http://127.0.0.1:<port> URLs and sends no HSTS', async () => {
    const { res, origins } = await swml(l);
    assert.deepEqual(origins, [`http://127.0.0.1:${l.port}`]);
    assert.equal(res.headers['strict-transport-security'], undefined);
  });

  for (const [name, headers] of SPOOFS) {
    it(`${name}: URLs stay on this machine over http, no HSTS`, async () => {
      const { res, urls, origins } = await swml(l, headers);
      assert.ok(!res.text.includes('evil.example'), 'the spoofed host appears nowhere');
      assert.equal(origins.length, 1);
      assert.ok(
        [`http://127.0.0.1:${l.port}`, `http://localhost:${l.port}`].includes(origins[0] ?? ''),
        String(origins[0]),
      );
      for (const u of urls) assert.equal(new URL(u).protocol, 'http:');
      assert.equal(res.headers['strict-transport-security'], undefined);
    });
  }

  it('X-Forwarded-For from the client is not the client IP (audit and limiter key)', async () => {
    await swml(l, { 'X-Forwarded-For': '6.6.6.6' });
    const ip = String(l.logs.audit('call_start').at(-1)?.ip);
    assert.match(ip, /127\.0\.0\.1$/);
  });
});

describe('trusted proxy hop (SWML_TRUST_PROXY=1)', () => {
  let l: Listening;
  before(async () => {
    l = await listening({ SWML_TRUST_PROXY: '1' });
  });
  after(() => stop(l));

  it("the trusted hop's X-Forwarded-Proto/Host build the URLs, and https brings HSTS", async () => {
    const { res, origins } = await swml(l, {
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'agent.example.com',
    });
    assert.deepEqual(origins, ['https://agent.example.com']);
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  });

  it('a host with a port and mixed case is accepted (lowercased)', async () => {
    const { origins } = await swml(l, {
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'Agent.Example.com:8443',
    });
    assert.deepEqual(origins, ['https://agent.example.com:8443']);
  });

  it('with one hop, the value the proxy appended (the last) wins over what the client sent', async () => {
    const { origins } = await swml(l, {
      'X-Forwarded-Proto': 'http, https',
      'X-Forwarded-Host': 'evil.example, agent.example.com',
    });
    assert.deepEqual(origins, ['https://agent.example.com']);
  });

  const fallback = () => `http://127.0.0.1:${l.port}`;
  const invalid: [string, Record<string, string>][] = [
    ['a path', { 'X-Forwarded-Host': 'evil.example/path' }],
    ['a space', { 'X-Forwarded-Host': 'a b' }],
    ['userinfo', { 'X-Forwarded-Host': 'x@y' }],
    ['userinfo before a real host', { 'X-Forwarded-Host': 'agent.example.com@evil.example' }],
    ['a query', { 'X-Forwarded-Host': 'evil.example?x=1' }],
    ['a fragment', { 'X-Forwarded-Host': 'evil.example#x' }],
    ['a backslash', { 'X-Forwarded-Host': 'evil.example\\x' }],
    ['a very long host', { 'X-Forwarded-Host': `${'a'.repeat(60)}.`.repeat(5) + 'example' }],
    ['a 64-character label', { 'X-Forwarded-Host': `${'a'.repeat(64)}.example` }],
    ['a bad port', { 'X-Forwarded-Host': 'agent.example.com:99999' }],
    ['an empty port', { 'X-Forwarded-Host': 'agent.example.com:' }],
    ['a label starting with -', { 'X-Forwarded-Host': '-evil.example' }],
    ['an underscore', { 'X-Forwarded-Host': 'ev_il.example' }],
    ['quotes', { 'X-Forwarded-Host': '"evil.example"' }],
    ['an unknown scheme', { 'X-Forwarded-Proto': 'javascript' }],
    ['proto with a suffix', { 'X-Forwarded-Proto': 'https://evil.example' }],
    ['no proto at all', { 'X-Forwarded-Proto': '' }],
    ['Forwarded only (not supported, ignored)', { Forwarded: 'host=agent.example.com;proto=https' }],
  ];
  for (const [name, headers] of invalid) {
    it(`rejects a forwarded value with ${name} and falls back`, async () => {
      const all = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'agent.example.com', ...headers };
      if (name.startsWith('Forwarded only')) {
        delete (all as Record<string, string>)['X-Forwarded-Proto'];
        delete (all as Record<string, string>)['X-Forwarded-Host'];
      }
      const { res, origins } = await swml(l, all);
      assert.deepEqual(origins, [fallback()]);
      assert.ok(!res.text.includes('evil.example'));
    });
  }

  it('nothing is stored between requests: a forwarded host does not stick', async () => {
    const spoofed = await swml(l, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example' });
    assert.deepEqual(
      spoofed.origins,
      ['https://evil.example'],
      'a trusted hop is believed for its own request',
    );
    const clean = await swml(l);
    assert.deepEqual(clean.origins, [fallback()]);
    assert.ok(!clean.res.text.includes('evil.example'));
  });

  it('the client IP is the one the trusted hop saw (rightmost X-Forwarded-For), never a client-supplied one', async () => {
    await swml(l, { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7' });
    assert.equal(l.logs.audit('call_start').at(-1)?.ip, '203.0.113.7');
  });
});

describe('SWML_PROXY_URL_BASE wins over everything', () => {
  let l: Listening;
  before(async () => {
    l = await listening({
      SWML_PROXY_URL_BASE: 'https://public.example.com/voice/agent/',
      SWML_TRUST_PROXY: '1',
    });
  });
  after(() => stop(l));

  for (const [name, headers] of [
    ['no headers', {}],
    ...SPOOFS,
    ['trusted forwarded headers', { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'other.example' }],
  ] as [string, Record<string, string>][]) {
    it(`${name}: the configured base, path kept, trailing slash dropped`, async () => {
      const { urls, origins } = await swml(l, headers);
      assert.deepEqual(origins, ['https://public.example.com']);
      const paths = urls.map((u) => new URL(u).pathname).sort();
      assert.deepEqual(paths, [
        '/voice/agent/post_prompt',
        '/voice/agent/swaig',
        '/voice/agent/swaig',
        '/voice/agent/swaig',
        '/voice/agent/swaig',
      ]);
      for (const u of urls) assert.ok(!u.includes('agent//'), u);
    });
  }
});

describe('credentials in webhook URLs are percent-encoded', () => {
  const password = 'p@ss:w/rd#?%&= +0123456789abcdefghijklmnop';
  const user = 'sw@user';
  let l: Listening;
  before(async () => {
    l = await listening({
      SWML_BASIC_AUTH_USER: user,
      SWML_BASIC_AUTH_PASSWORD: password,
      SWML_PROXY_URL_BASE: 'https://public.example.com',
    });
  });
  after(() => stop(l));

  it('every URL carries exactly the encoded userinfo, and parses back to the real credentials', async () => {
    const res = await request(l.server)
      .post('/')
      .auth(user, password)
      .send({ call: { call_id: 'c1' } });
    assert.equal(res.status, 200);
    const urls = urlsOf(res.body);
    assert.equal(urls.length, URL_COUNT);
    const userinfo = 'sw%40user:p%40ss%3Aw%2Frd%23%3F%25%26%3D%20%2B0123456789abcdefghijklmnop@';
    for (const u of urls) {
      assert.ok(u.startsWith(`https://${userinfo}public.example.com/`), u);
      const parsed = new URL(u);
      assert.equal(parsed.host, 'public.example.com');
      assert.equal(decodeURIComponent(parsed.username), user);
      assert.equal(decodeURIComponent(parsed.password), password);
    }
  });

  it('the decoded credentials are the ones Basic Auth accepts', async () => {
    const res = await request(l.server).post('/').auth(user, password).send({});
    const u = new URL(urlsOf(res.body)[0] ?? '');
    await request(l.server)
      .get('/')
      .auth(decodeURIComponent(u.username), decodeURIComponent(u.password))
      .expect(200);
  });
});
