// An http:// SWML_PROXY_URL_BASE: refused in production (exit 78, one line), a warning in development.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { runToExit } from '../../helpers/agent-process.js';

const STRONG = {
  SWML_BASIC_AUTH_PASSWORD: 'prod-password-0123456789-abcdefghijkl',
  SWML_TOKEN_SECRET: 'prod-token-secret-0123456789-abcdefghij',
  SWML_STATE_DIR: '/tmp/swml-proxy-base-test-state',
};

describe('SWML_PROXY_URL_BASE over http', () => {
  it('production refuses it with one precise message (https expected, no secret, the fix)', () => {
    for (const base of [
      'http://agent.example.com',
      'HTTP://agent.example.com/voice/',
      'http://10.0.0.5:8080',
    ]) {
      assert.throws(
        () => loadConfig({ env: { ...STRONG, NODE_ENV: 'production', SWML_PROXY_URL_BASE: base } }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.code === 'ERR_SWML_PROXY_URL' &&
          err.exitCode === 78 &&
          /SWML_PROXY_URL_BASE must be https in production/.test(err.message) &&
          /Fix: SWML_PROXY_URL_BASE=https:\/\//.test(err.message) &&
          !err.message.includes('\n'),
        base,
      );
    }
    const ok = loadConfig({
      env: { ...STRONG, NODE_ENV: 'production', SWML_PROXY_URL_BASE: 'https://agent.example.com' },
    });
    assert.equal(ok.proxyUrlBase, 'https://agent.example.com');
  });

  it('development accepts it with a warning', () => {
    for (const trust of ['0', '1']) {
      const config = loadConfig({
        env: { ...STRONG, SWML_PROXY_URL_BASE: 'http://agent.example.com', SWML_TRUST_PROXY: trust },
      });
      assert.equal(config.proxyUrlBase, 'http://agent.example.com');
      const codes = config.warnings.map((w) => w.code);
      assert.ok(codes.includes('WRN_SWML_HTTP_PROXY_URL'), `${trust}: ${codes.join(', ')}`);
    }
  });

  it('a real production process exits 78 with exactly one line on stderr', async () => {
    const result = await runToExit({
      NODE_ENV: 'production',
      SWML_PROXY_URL_BASE: 'http://agent.example.com',
      ...STRONG,
    });
    assert.equal(result.code, 78, result.stderr);
    const lines = result.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0] ?? '',
      /^swml-guard: ERR_SWML_PROXY_URL: SWML_PROXY_URL_BASE must be https in production/,
    );
    assert.ok(!result.stderr.includes(STRONG.SWML_BASIC_AUTH_PASSWORD));
  });
});
