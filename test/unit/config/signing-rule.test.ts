// The signing rule: the URL a signature is checked against must come from settings, never from a header.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { signingRule, type Config } from '../../../src/config/index.js';
import { publicBaseUrl } from '../../../src/http/public-url.js';

const KEY = 'PSK_signing-key-0123456789abcdef';

describe('signingRule (loadConfig and doctor)', () => {
  it('direct TLS behind a trusted proxy hop and no SWML_PROXY_URL_BASE: the signed URL would follow X-Forwarded-Host', () => {
    // What an attacker at (or spoofing through) the trusted hop gets without the rule: a base URL they chose.
    const config = {
      proxyUrlBase: undefined,
      trustProxy: 1,
      tls: { enabled: true },
      domain: 'agent.example.com',
      port: 443,
    } as unknown as Config;
    const req = {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' },
      socket: { localPort: 443 },
    } as unknown as Request;
    assert.equal(publicBaseUrl(config)(req), 'https://evil.example');

    const finding = signingRule({
      signingKey: KEY,
      proxyUrlBase: undefined,
      tlsEnabled: true,
      trustProxy: 1,
    });
    assert.equal(finding?.level, 'error');
    assert.equal(finding?.code, 'ERR_SWML_SIGNING_URL');
    assert.match(finding?.message ?? '', /SWML_PROXY_URL_BASE/);
    assert.ok(!finding?.message.includes(KEY), 'the key never appears in the message');
  });

  it('settings-only bases pass: SWML_PROXY_URL_BASE, or direct TLS with no trusted hop; no key, no rule', () => {
    const base = { signingKey: KEY, proxyUrlBase: undefined, tlsEnabled: false, trustProxy: 0 };
    assert.equal(
      signingRule({ ...base, proxyUrlBase: 'https://agent.example.com', trustProxy: 1 }),
      undefined,
    );
    assert.equal(signingRule({ ...base, tlsEnabled: true }), undefined);
    assert.equal(signingRule({ ...base, signingKey: undefined, trustProxy: 1 }), undefined);
    assert.equal(signingRule(base)?.code, 'ERR_SWML_SIGNING_URL');
  });
});
