import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, EXIT_CONFIG, loadConfig } from '../../../src/config/index.js';
import { runToExit } from '../../helpers/agent-process.js';

const STRONG_PASSWORD = 'prod-password-0123456789-abcdefghijkl';
const STRONG_SECRET = 'prod-token-secret-0123456789-abcdefghij';
const HINT = /npx swml-guard secret.*openssl rand -base64 48/;
const PROD = {
  NODE_ENV: 'production',
  SWML_BASIC_AUTH_PASSWORD: STRONG_PASSWORD,
  SWML_TOKEN_SECRET: STRONG_SECRET,
  SWML_STATE_DIR: '/tmp/swml-config-test-state',
};

/** Runs loadConfig and returns the ConfigError it must throw. */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
    assert.equal(err.exitCode, 78);
    assert.equal(EXIT_CONFIG, 78);
    assert.ok(err.message.startsWith(`${err.code}: `), err.message);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('production mode refuses weak settings', () => {
  it('a complete production configuration loads, frozen', () => {
    const config = loadConfig({ env: PROD });
    assert.equal(config.production, true);
    assert.equal(config.basicAuth.generated, false);
    assert.equal(config.token.generated, false);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.basicAuth) && Object.isFrozen(config.token));
  });

  it('a generated password (SWML_BASIC_AUTH_PASSWORD unset)', () => {
    const err = refusal({ ...PROD, SWML_BASIC_AUTH_PASSWORD: '' });
    assert.equal(err.code, 'ERR_SWML_WEAK_PASSWORD');
    assert.match(err.message, /SWML_BASIC_AUTH_PASSWORD is unset: NODE_ENV=production requires it/);
    assert.match(err.message, HINT);
  });

  it('a password shorter than 32 characters (its length is shown, never its value)', () => {
    const short = 'Sh0rt-but-not-empty-pass-31chr!';
    assert.equal(short.length, 31);
    const err = refusal({ ...PROD, SWML_BASIC_AUTH_PASSWORD: short });
    assert.equal(err.code, 'ERR_SWML_WEAK_PASSWORD');
    assert.match(err.message, /SWML_BASIC_AUTH_PASSWORD must be at least 32 characters; got 31/);
    assert.match(err.message, HINT);
    assert.ok(!err.message.includes(short));
    loadConfig({ env: { ...PROD, SWML_BASIC_AUTH_PASSWORD: `${short}x` } });
  });

  it('a missing token secret', () => {
    const err = refusal({ ...PROD, SWML_TOKEN_SECRET: '' });
    assert.equal(err.code, 'ERR_SWML_WEAK_TOKEN_SECRET');
    assert.match(err.message, /SWML_TOKEN_SECRET is unset: NODE_ENV=production requires it/);
    assert.match(err.message, HINT);
  });

  it('a short token secret, in production and everywhere else (counted in bytes)', () => {
    const short = 'short-token-secret-31-bytes-xyz';
    assert.equal(Buffer.byteLength(short), 31);
    for (const env of [{ ...PROD, SWML_TOKEN_SECRET: short }, { SWML_TOKEN_SECRET: short }]) {
      const err = refusal(env);
      assert.equal(err.code, 'ERR_SWML_WEAK_TOKEN_SECRET');
      assert.match(err.message, /SWML_TOKEN_SECRET must be at least 32 bytes; got 31/);
      assert.match(err.message, HINT);
      assert.ok(!err.message.includes(short));
    }
    // 16 two-byte characters are 32 bytes.
    loadConfig({ env: { SWML_TOKEN_SECRET: 'é'.repeat(16) } });
  });

  it('a short previous token secret', () => {
    const err = refusal({ ...PROD, SWML_TOKEN_SECRET_PREVIOUS: 'old-and-short' });
    assert.equal(err.code, 'ERR_SWML_WEAK_TOKEN_SECRET');
    assert.match(err.message, /SWML_TOKEN_SECRET_PREVIOUS must be at least 32 bytes; got 13/);
    assert.ok(!err.message.includes('old-and-short'));
  });

  it('a short admin token', () => {
    const err = refusal({ ...PROD, SWML_ADMIN_TOKEN: 'admin-short' });
    assert.equal(err.code, 'ERR_SWML_WEAK_ADMIN_TOKEN');
    assert.ok(!err.message.includes('admin-short'));
  });

  it('missing TLS files (production or not: never a silent fallback to HTTP)', () => {
    for (const base of [PROD, {}]) {
      const env = { ...base, SWML_SSL_ENABLED: 'true', SWML_DOMAIN: 'agent.example.com' };
      const noPath = refusal(env);
      assert.equal(noPath.code, 'ERR_SWML_TLS_FILES');
      assert.match(noPath.message, /SWML_SSL_ENABLED=true requires SWML_SSL_CERT_PATH/);
      const missing = refusal({
        ...env,
        SWML_SSL_CERT_PATH: '/nonexistent/cert.pem',
        SWML_SSL_KEY_PATH: '/nonexistent/key.pem',
      });
      assert.equal(missing.code, 'ERR_SWML_TLS_FILES');
      assert.match(missing.message, /SWML_SSL_CERT_PATH "\/nonexistent\/cert.pem" cannot be read \(ENOENT\)/);
    }
  });

  it('did you mean: SWML_BASIC_AUTH_PASS is named in the refusal', () => {
    const env: Record<string, string> = { ...PROD, SWML_BASIC_AUTH_PASS: STRONG_PASSWORD };
    delete env.SWML_BASIC_AUTH_PASSWORD;
    const err = refusal(env);
    assert.equal(err.code, 'ERR_SWML_WEAK_PASSWORD');
    assert.match(err.message, /found SWML_BASIC_AUTH_PASS: did you mean SWML_BASIC_AUTH_PASSWORD\?/);
    assert.ok(!err.message.includes(STRONG_PASSWORD));
  });

  it('did you mean: a warning outside production, with the closest name', () => {
    const config = loadConfig({
      env: { SWML_BASIC_AUTH_PASS: 'x', SWML_TOKN_SECRET: 'y', SWML_TRUST_PROXIES: '1' },
    });
    const unknown = config.warnings.filter((w) => w.code === 'WRN_SWML_UNKNOWN_ENV').map((w) => w.message);
    assert.deepEqual(unknown.sort(), [
      'SWML_BASIC_AUTH_PASS is not a swml-guard setting; did you mean SWML_BASIC_AUTH_PASSWORD?',
      'SWML_TOKN_SECRET is not a swml-guard setting; did you mean SWML_TOKEN_SECRET?',
      'SWML_TRUST_PROXIES is not a swml-guard setting; did you mean SWML_TRUST_PROXY?',
    ]);
    for (const m of unknown) assert.ok(!m.includes('=x') && !m.includes('=y'), 'values are not echoed');
  });
});

describe('invalid values', () => {
  const SECRET_IN_URL = 'hunter2-url-secret';
  const cases: [string, Record<string, string>, string, RegExp][] = [
    [
      'PORT=abc',
      { PORT: 'abc' },
      'ERR_SWML_INVALID_ENV',
      /^ERR_SWML_INVALID_ENV: PORT must be a whole number; got "abc"\.$/,
    ],
    ['PORT=70000', { PORT: '70000' }, 'ERR_SWML_INVALID_ENV', /PORT must be at most 65535; got "70000"/],
    [
      'SWML_TRUST_PROXY=true',
      { SWML_TRUST_PROXY: 'true' },
      'ERR_SWML_INVALID_ENV',
      /SWML_TRUST_PROXY must be a whole number; got "true"/,
    ],
    [
      'SWML_TRUST_PROXY=11',
      { SWML_TRUST_PROXY: '11' },
      'ERR_SWML_INVALID_ENV',
      /SWML_TRUST_PROXY must be at most 10/,
    ],
    [
      'AGENT_EMERGENCY_MODE=maybe',
      { AGENT_EMERGENCY_MODE: 'maybe' },
      'ERR_SWML_INVALID_ENV',
      /AGENT_EMERGENCY_MODE must be false, true or all; got "maybe"/,
    ],
    [
      'SWML_SSL_ENABLED=maybe',
      { SWML_SSL_ENABLED: 'maybe' },
      'ERR_SWML_INVALID_ENV',
      /SWML_SSL_ENABLED must be true or false/,
    ],
    [
      'SWML_TOKEN_TTL=5',
      { SWML_TOKEN_TTL: '5' },
      'ERR_SWML_INVALID_ENV',
      /SWML_TOKEN_TTL must be at least 60/,
    ],
    [
      'SWML_MAX_REQUEST_SIZE=1gb',
      { SWML_MAX_REQUEST_SIZE: '1gb' },
      'ERR_SWML_INVALID_ENV',
      /SWML_MAX_REQUEST_SIZE must be a byte count/,
    ],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, 'ERR_SWML_INVALID_ENV', /LOG_LEVEL/],
    [
      'AGENT_DISABLED_FUNCTIONS=a-b',
      { AGENT_DISABLED_FUNCTIONS: 'ok,a-b' },
      'ERR_SWML_INVALID_ENV',
      /AGENT_DISABLED_FUNCTIONS must be a comma-separated list of tool names/,
    ],
    [
      'SWML_PROXY_URL_BASE=ftp://x',
      { SWML_PROXY_URL_BASE: 'ftp://x' },
      'ERR_SWML_PROXY_URL',
      /SWML_PROXY_URL_BASE must use https \(or http\); got "ftp:"/,
    ],
    [
      'SWML_PROXY_URL_BASE relative',
      { SWML_PROXY_URL_BASE: 'agent.example.com' },
      'ERR_SWML_PROXY_URL',
      /must be an absolute URL/,
    ],
    [
      'SWML_PROXY_URL_BASE with credentials',
      { SWML_PROXY_URL_BASE: `https://user:${SECRET_IN_URL}@agent.example.com` },
      'ERR_SWML_PROXY_URL',
      /must not contain credentials/,
    ],
    [
      'SWML_PROXY_URL_BASE with a query',
      { SWML_PROXY_URL_BASE: 'https://agent.example.com/?a=1' },
      'ERR_SWML_PROXY_URL',
      /must not contain credentials, a query or a fragment/,
    ],
    [
      'SWML_PROXY_URL_BASE unparseable, with credentials',
      { SWML_PROXY_URL_BASE: `https://user:${SECRET_IN_URL}@exa mple.com` },
      'ERR_SWML_PROXY_URL',
      /must be an absolute URL/,
    ],
    [
      'ftp with credentials',
      { SWML_PROXY_URL_BASE: `ftp://user:${SECRET_IN_URL}@x` },
      'ERR_SWML_PROXY_URL',
      /must use https/,
    ],
    [
      'an empty-after-trim password',
      { SWML_BASIC_AUTH_PASSWORD: '   ' },
      'ERR_SWML_INVALID_ENV',
      /SWML_BASIC_AUTH_PASSWORD must not be empty; got \(value hidden\)/,
    ],
    [
      'a blank signing key',
      { SIGNALWIRE_SIGNING_KEY: '  ' },
      'ERR_SWML_INVALID_ENV',
      /SIGNALWIRE_SIGNING_KEY must not be empty; got \(value hidden\)/,
    ],
  ];
  for (const [name, env, code, message] of cases) {
    it(`${name}: ${code}, one line naming the variable, no secret value`, () => {
      const err = refusal(env);
      assert.equal(err.code, code);
      assert.match(err.message, message);
      assert.ok(!err.message.includes(SECRET_IN_URL), `the secret leaked: ${err.message}`);
    });
  }

  it('a proxy base keeps its path and drops the trailing slash', () => {
    assert.equal(
      loadConfig({ env: { SWML_PROXY_URL_BASE: 'https://a.example.com/voice/' } }).proxyUrlBase,
      'https://a.example.com/voice',
    );
    assert.equal(
      loadConfig({ env: { SWML_PROXY_URL_BASE: 'HTTPS://A.example.com' } }).proxyUrlBase,
      'https://a.example.com',
    );
  });
});

describe('production refusal from a real process', () => {
  it('NODE_ENV=production with a weak password: exit 78 and exactly one message line on stderr', async () => {
    const { code, stderr, stdout } = await runToExit({
      NODE_ENV: 'production',
      SWML_BASIC_AUTH_PASSWORD: 'weak-pass',
      SWML_TOKEN_SECRET: STRONG_SECRET,
    });
    assert.equal(code, 78);
    const lines = stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, stderr);
    assert.match(
      lines[0] ?? '',
      /^swml-guard: ERR_SWML_WEAK_PASSWORD: SWML_BASIC_AUTH_PASSWORD must be at least 32 characters; got 9\. Fix: set a new SWML_BASIC_AUTH_PASSWORD; generate one with `npx swml-guard secret`/,
    );
    assert.ok(!stderr.includes('weak-pass') && !stdout.includes('weak-pass'));
    assert.equal(stdout, '', 'nothing else is printed');
  });
});
