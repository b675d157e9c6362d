import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentBase } from '../../../src/agent/agent-base.js';
import { FunctionResult } from '../../../src/agent/function-result.js';
import { createBankAgent } from '../../../src/demo/bank-agent.js';
import { runChecks, type DoctorInput } from '../../../src/cli/doctor-checks.js';

const STRONG = {
  NODE_ENV: 'production',
  SWML_BASIC_AUTH_PASSWORD: 'Pw-strong-9f8e7d6c5b4a3210-ZYXWVUTSRQ-abcdef',
  SWML_TOKEN_SECRET: 'Tk-secret-0a1b2c3d4e5f6789-QRSTUVWXYZ-ghijkl',
  SWML_ADMIN_TOKEN: 'Ad-admin-13579bdf02468ace-MNOPQRSTUV-uvwxyz',
  SWML_PROXY_URL_BASE: 'https://agent.example.com',
  SIGNALWIRE_SIGNING_KEY: 'PSK-doctor-unit-0123456789abcdef',
  SWML_STATE_DIR: '/tmp/swml-doctor-unit-state',
  AUDIT_LOG_FILE: '/tmp/swml-doctor-unit-audit.log',
};

function check(id: string, env: Record<string, string | undefined>, over: Partial<DoctorInput> = {}) {
  const input: DoctorInput = {
    env: { ...STRONG, ...env },
    overrides: {},
    agent: createBankAgent(),
    agentError: undefined,
    now: new Date('2026-01-01T00:00:00Z'),
    ...over,
  };
  const found = runChecks(input).find((c) => c.id === id);
  assert.ok(found, id);
  return found;
}

function agentWith(name: string, description: string, secure = false): AgentBase {
  return new AgentBase({ name: 'a' }).defineTool({
    name,
    description,
    secure,
    handler: () => new FunctionResult('x'),
  });
}

describe('doctor checks', () => {
  it('flags risky-sounding tools that opted out with secure: false, and lists every opt-out', () => {
    const cases: [string, string, 'pass' | 'fail'][] = [
      ['transfer_funds', 'Move money', 'fail'],
      ['refund_order', 'Give the money back', 'fail'],
      ['close_account', 'Close the account', 'fail'],
      ['remove_card', 'Forget a saved card', 'fail'],
      ['reset_pin', 'Set a new PIN', 'fail'],
      ['lookup_customer', 'Read personal data of the caller', 'fail'],
      ['update_address', 'Change the home address', 'fail'],
      ['get_balance', "Get the caller's current account balance.", 'pass'],
      ['opening_hours', 'When do we open and close?', 'pass'],
      ['weather', 'Forecast for a city', 'pass'],
      ['spinner', 'Spin the wheel', 'pass'],
      ['system_health', 'Is the service up', 'pass'],
    ];
    for (const [name, description, expected] of cases) {
      assert.equal(check('secure_tools', {}, { agent: agentWith(name, description) }).status, expected, name);
    }
    assert.equal(
      check('secure_tools', {}, { agent: agentWith('transfer_funds', 'Move money', true) }).status,
      'pass',
    );
    const byDefault = new AgentBase({ name: 'a' }).defineTool({
      name: 'transfer_funds',
      description: 'Move money',
      handler: () => new FunctionResult('x'),
    });
    assert.equal(check('secure_tools', {}, { agent: byDefault }).status, 'pass', 'secure by default');
    const demo = check('secure_tools', {}, {});
    assert.equal(demo.status, 'pass');
    assert.match(
      demo.message,
      /3 secure tool\(s\).*; opted out with secure: false: get_balance \(they look harmless\)$/,
    );
    const none = check('secure_tools', {}, { agent: undefined, agentError: 'boom' });
    assert.equal(none.status, 'fail');
    assert.match(none.message, /boom/);
  });

  it('secrets: unset, short, low variety, reused, rotation in progress; never the value', () => {
    const cases: [Record<string, string | undefined>, string, string, RegExp][] = [
      [{ SWML_BASIC_AUTH_PASSWORD: undefined }, 'basic_auth', 'fail', /is unset/],
      [{ SWML_BASIC_AUTH_PASSWORD: 'short' }, 'basic_auth', 'fail', /must be at least 32 characters; got 5/],
      [{ SWML_BASIC_AUTH_PASSWORD: 'ab'.repeat(20) }, 'basic_auth', 'fail', /only 2 distinct characters/],
      [
        { SWML_TOKEN_SECRET: STRONG.SWML_BASIC_AUTH_PASSWORD },
        'token_secret',
        'fail',
        /same value as SWML_BASIC_AUTH_PASSWORD/,
      ],
      [
        { SWML_TOKEN_SECRET_PREVIOUS: 'Old-secret-0a1b2c3d4e5f6789-QRSTUVWXYZ-zz' },
        'token_secret',
        'warn',
        /rotation in progress/,
      ],
      [{ SWML_ADMIN_TOKEN: undefined }, 'admin_endpoint', 'warn', /switch \(\/admin\) is off/],
      [
        { SWML_ADMIN_TOKEN: STRONG.SWML_TOKEN_SECRET },
        'admin_endpoint',
        'fail',
        /same value as SWML_TOKEN_SECRET/,
      ],
    ];
    for (const [env, id, status, message] of cases) {
      const c = check(id, env);
      assert.equal(c.status, status, `${id} ${JSON.stringify(env)}`);
      assert.match(c.message, message);
      for (const v of Object.values({ ...STRONG, ...env }))
        if (v && v.length > 20) assert.ok(!c.message.includes(v));
    }
  });

  it('agent options beat the environment, as in the agent itself', () => {
    const overrides = { SWML_BASIC_AUTH_PASSWORD: 'Ov-option-5a4b3c2d1e0f9876-KLMNOPQRST-opqrst' };
    assert.equal(check('basic_auth', { SWML_BASIC_AUTH_PASSWORD: 'short' }, { overrides }).status, 'pass');
    assert.equal(
      check('basic_auth', {}, { overrides: { SWML_BASIC_AUTH_PASSWORD: 'short' } }).status,
      'fail',
    );
  });

  it('https, metrics, rate limits, audit log, production mode', () => {
    assert.equal(check('https', { SWML_PROXY_URL_BASE: 'http://agent.example.com' }).status, 'fail');
    assert.equal(check('https', { SWML_PROXY_URL_BASE: undefined }).status, 'fail');
    assert.equal(check('https', { SWML_PROXY_URL_BASE: undefined, SWML_TRUST_PROXY: '1' }).status, 'warn');
    assert.equal(check('metrics_bind', { METRICS_HOST: '0.0.0.0' }).status, 'warn');
    assert.equal(check('metrics_bind', { METRICS_HOST: '::1' }).status, 'pass');
    const limits = check('rate_limits', { SWML_RATE_LIMIT: '1000000' });
    assert.equal(limits.status, 'warn');
    assert.match(limits.message, /SWML_RATE_LIMIT=1000000/);
    // Missing folders are created by the agent; a path under a file cannot be.
    assert.equal(check('audit_log', { AUDIT_LOG_FILE: '/proc/version/audit.log' }).status, 'warn');
    assert.equal(check('audit_log', { AUDIT_LOG_FILE: '/tmp/swml-doctor-unit/%h/audit.log' }).status, 'pass');
    assert.equal(check('production_mode', { NODE_ENV: 'development' }).status, 'warn');
  });

  it('signing: what the Basic Auth password alone opens, with and without SIGNALWIRE_SIGNING_KEY', () => {
    const off = check('signing', { SIGNALWIRE_SIGNING_KEY: undefined });
    assert.equal(off.status, 'warn');
    assert.match(
      off.message,
      /anyone holding the Basic Auth password can fetch SWML for a call_id they pick/,
    );
    const on = check('signing', {});
    assert.equal(on.status, 'pass');
    assert.match(on.message, /the Basic Auth password alone mints no token/);
    assert.ok(!on.message.includes(STRONG.SIGNALWIRE_SIGNING_KEY));
    assert.equal(check('signing', { SWML_PROXY_URL_BASE: undefined }).status, 'fail');
  });

  it('a ConfigError is the failing config check; typos of variable names warn', () => {
    const bad = check('config', { SWML_PROXY_URL_BASE: 'ftp://x' });
    assert.equal(bad.status, 'fail');
    assert.match(bad.message, /^ERR_SWML_PROXY_URL: /);
    const typo = check('config', { SWML_BASIC_AUTH_PASS: 'x' });
    assert.equal(typo.status, 'warn');
    assert.match(typo.message, /WRN_SWML_UNKNOWN_ENV: SWML_BASIC_AUTH_PASS is not a swml-guard setting/);
  });

  it('the strong setup passes every check, in the fixed order', () => {
    const all = runChecks({
      env: STRONG,
      overrides: {},
      agent: createBankAgent(),
      agentError: undefined,
      now: new Date(),
    });
    assert.deepEqual(
      all.map((c) => [c.id, c.status]),
      [
        ['config', 'pass'],
        ['production_mode', 'pass'],
        ['https', 'pass'],
        ['basic_auth', 'pass'],
        ['token_secret', 'pass'],
        ['secure_tools', 'pass'],
        ['rate_limits', 'pass'],
        ['audit_log', 'pass'],
        ['metrics_bind', 'pass'],
        ['admin_endpoint', 'pass'],
        ['tls_files', 'pass'],
        ['alerting', 'pass'],
        ['signing', 'pass'],
        ['revocations', 'pass'],
      ],
    );
  });
});
