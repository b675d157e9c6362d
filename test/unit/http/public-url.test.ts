// The base URL when no proxy base, no trusted hop and no TLS are set: hostile Host headers, IPv6 unbracketed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { isIP } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../../src/config/index.js';
import { publicBaseUrl } from '../../../src/http/public-url.js';
import { PASSWORD, TOKEN_SECRET, USER, testApp, tokenFor } from '../../helpers/app.js';

const PORT = 3000;
const resolve = publicBaseUrl(
  loadConfig({ env: { SWML_BASIC_AUTH_PASSWORD: PASSWORD, SWML_TOKEN_SECRET: TOKEN_SECRET } }),
);
const fakeRequest = (host: string | undefined) =>
  ({ headers: host === undefined ? {} : { host }, socket: { localPort: PORT } }) as unknown as Request;

/** [Host header, the host the URL must carry]. Anything that is not localhost or a clean IP literal is localhost. */
const CASES: [string | undefined, string][] = [
  ['127.0.0.1', '127.0.0.1'],
  ['127.0.0.1:8080', '127.0.0.1'],
  ['localhost:3000', 'localhost'],
  ['[::1]', '[::1]'],
  ['[::1]:3000', '[::1]'],
  ['::1', 'localhost'],
  ['::1:3000', 'localhost'],
  ['::', 'localhost'],
  ['fe80::1', 'localhost'],
  ['2001:db8::1:443', 'localhost'],
  ['[fe80::1%25eth0]', 'localhost'],
  ['[::1', 'localhost'],
  ['::1]', 'localhost'],
  ['[]', 'localhost'],
  ['[127.0.0.1]', 'localhost'],
  ['[::1]x', 'localhost'],
  ['[::1]:abc', 'localhost'],
  ['[::1]@evil.example', 'localhost'],
  ['127.0.0.1@evil.example', 'localhost'],
  ['127.0.0.1:80@evil.example', 'localhost'],
  ['evil.example', 'localhost'],
  ['127.0.0.1/evil', 'localhost'],
  ['127.0.0.1#x', 'localhost'],
  ['127.0.0.1?x', 'localhost'],
  ['127.0.0.1\\evil', 'localhost'],
  ['127.0.0.1 evil', 'localhost'],
  [':3000', 'localhost'],
  ['', 'localhost'],
  [undefined, 'localhost'],
  ['x'.repeat(5000), 'localhost'],
];

describe('base URL from the Host header (no proxy base, no trusted hop, no TLS)', () => {
  it('always a well-formed URL on this port, naming localhost or the clean IP literal', () => {
    for (const [host, expected] of CASES) {
      const base = resolve(fakeRequest(host));
      const url = new URL(base); // throws on a malformed URL
      assert.equal(base, `http://${expected}:${PORT}`, `Host: ${String(host).slice(0, 40)}`);
      assert.equal(url.port, String(PORT));
      assert.equal(url.username + url.password, '');
      assert.ok(url.hostname === 'localhost' || isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0);
    }
  });

  it('through the app: every webhook URL in the SWML parses, on the server port', async (t) => {
    const { app } = testApp();
    t.after(() => app.guard.close());
    for (const host of ['::1', '::1:3000', '[::1]:9', '::ffff:127.0.0.1', '[::1]@evil.example']) {
      const res = await request(app).get('/').auth(USER, PASSWORD).set('Host', host).expect(200);
      const { url } = tokenFor(res.body, 'transfer_funds');
      const parsed = new URL(url); // the webhook SignalWire would call
      assert.ok(['localhost', '[::1]'].includes(parsed.hostname), `${host} -> ${parsed.hostname}`);
      assert.notEqual(parsed.hostname, 'evil.example');
    }
  });
});
