// One set of secret rules: loadConfig (startup) and `swml-guard doctor` give the same verdict for every secret,
// whether it is unset, empty, blank, short or good, in development and in production.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, type SecretName } from '../../../src/config/index.js';
import { runChecks } from '../../../src/cli/doctor-checks.js';
import { createBankAgent } from '../../../src/demo/bank-agent.js';

const GOOD: Record<SecretName, string> = {
  SWML_BASIC_AUTH_PASSWORD: 'Pw-strong-9f8e7d6c5b4a3210-ZYXWVUTSRQ-abcdef',
  SWML_BASIC_AUTH_PASSWORD_PREVIOUS: 'Pw-older-0a1b2c3d4e5f6789-ABCDEFGHIJ-uvwxyz',
  SWML_TOKEN_SECRET: 'Tk-secret-0a1b2c3d4e5f6789-QRSTUVWXYZ-ghijkl',
  SWML_TOKEN_SECRET_PREVIOUS: 'Tk-older-13579bdf02468ace-KLMNOPQRST-mnopqr',
  SWML_ADMIN_TOKEN: 'Ad-admin-13579bdf02468ace-MNOPQRSTUV-uvwxyz',
};
const BASE = {
  SWML_BASIC_AUTH_PASSWORD: GOOD.SWML_BASIC_AUTH_PASSWORD,
  SWML_TOKEN_SECRET: GOOD.SWML_TOKEN_SECRET,
  SWML_ADMIN_TOKEN: GOOD.SWML_ADMIN_TOKEN,
  SWML_PROXY_URL_BASE: 'https://agent.example.com',
  SWML_STATE_DIR: '/tmp/swml-secret-rules-state',
};
const MODES = { development: {}, production: { NODE_ENV: 'production' } } as const;
type Mode = keyof typeof MODES;
type Kind = 'unset' | 'empty' | 'blank' | 'short' | 'good';
const VALUE: Record<Exclude<Kind, 'unset' | 'good'>, string> = { empty: '', blank: '   ', short: 'a' };
const CHECK: Record<SecretName, string> = {
  SWML_BASIC_AUTH_PASSWORD: 'basic_auth',
  SWML_BASIC_AUTH_PASSWORD_PREVIOUS: 'basic_auth',
  SWML_TOKEN_SECRET: 'token_secret',
  SWML_TOKEN_SECRET_PREVIOUS: 'token_secret',
  SWML_ADMIN_TOKEN: 'admin_endpoint',
};

/** What startup does about one secret: `ok`, `W:<code>` (a warning naming it) or `E:<code>` (refuses). */
const E = (code: string) => `E:ERR_SWML_${code}`;
const W = (code: string) => `W:WRN_SWML_${code}`;
const INVALID = E('INVALID_ENV');
const EXPECTED: Record<SecretName, Record<Kind, Record<Mode, string>>> = {
  SWML_BASIC_AUTH_PASSWORD: {
    unset: { development: W('GENERATED_PASSWORD'), production: E('WEAK_PASSWORD') },
    empty: { development: W('GENERATED_PASSWORD'), production: E('WEAK_PASSWORD') },
    blank: { development: INVALID, production: INVALID },
    short: { development: W('WEAK_PASSWORD'), production: E('WEAK_PASSWORD') },
    good: { development: 'ok', production: 'ok' },
  },
  SWML_BASIC_AUTH_PASSWORD_PREVIOUS: {
    unset: { development: 'ok', production: 'ok' },
    empty: { development: 'ok', production: 'ok' },
    blank: { development: INVALID, production: INVALID },
    // The finding: `SWML_BASIC_AUTH_PASSWORD_PREVIOUS=a` was accepted in production; it opens the same door.
    short: { development: W('WEAK_PASSWORD'), production: E('WEAK_PASSWORD') },
    good: { development: W('PREVIOUS_SECRET'), production: W('PREVIOUS_SECRET') },
  },
  SWML_TOKEN_SECRET: {
    unset: { development: W('GENERATED_TOKEN_SECRET'), production: E('WEAK_TOKEN_SECRET') },
    empty: { development: W('GENERATED_TOKEN_SECRET'), production: E('WEAK_TOKEN_SECRET') },
    blank: { development: INVALID, production: INVALID },
    short: { development: E('WEAK_TOKEN_SECRET'), production: E('WEAK_TOKEN_SECRET') },
    good: { development: 'ok', production: 'ok' },
  },
  SWML_TOKEN_SECRET_PREVIOUS: {
    unset: { development: 'ok', production: 'ok' },
    empty: { development: 'ok', production: 'ok' },
    blank: { development: INVALID, production: INVALID },
    short: { development: E('WEAK_TOKEN_SECRET'), production: E('WEAK_TOKEN_SECRET') },
    good: { development: W('PREVIOUS_SECRET'), production: W('PREVIOUS_SECRET') },
  },
  SWML_ADMIN_TOKEN: {
    unset: { development: W('ADMIN_DISABLED'), production: W('ADMIN_DISABLED') },
    empty: { development: W('ADMIN_DISABLED'), production: W('ADMIN_DISABLED') },
    blank: { development: INVALID, production: INVALID },
    short: { development: E('WEAK_ADMIN_TOKEN'), production: E('WEAK_ADMIN_TOKEN') },
    good: { development: 'ok', production: 'ok' },
  },
};

function envFor(name: SecretName, kind: Kind, mode: Mode): Record<string, string> {
  const env: Record<string, string> = { ...BASE, ...MODES[mode] };
  if (kind !== 'unset') env[name] = kind === 'good' ? GOOD[name] : VALUE[kind];
  return Object.fromEntries(Object.entries(env).filter(([k]) => kind !== 'unset' || k !== name));
}

/** loadConfig's verdict on `name`, and the message behind it. */
function startup(env: Record<string, string>, name: SecretName): { verdict: string; message: string } {
  try {
    const config = loadConfig({ env });
    const w = config.warnings.find((x) => x.message.startsWith(`${name} `));
    return w ? { verdict: `W:${w.code}`, message: w.message } : { verdict: 'ok', message: '' };
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.ok(err.message.includes(name), `the refusal names ${name}: ${err.message}`);
    return { verdict: `E:${err.code}`, message: err.message };
  }
}

function doctor(env: Record<string, string>) {
  const checks = runChecks({
    env,
    overrides: {},
    agent: createBankAgent(),
    agentError: undefined,
    now: new Date(),
  });
  return (id: string) => {
    const c = checks.find((x) => x.id === id);
    assert.ok(c, id);
    return c;
  };
}

const STATUS: Record<string, string> = { E: 'fail', W: 'warn', o: 'pass' };

describe('secret rules: loadConfig and doctor agree (unset, empty, blank, short, good) x (dev, production)', () => {
  for (const name of Object.keys(EXPECTED) as SecretName[]) {
    it(name, () => {
      for (const kind of ['unset', 'empty', 'blank', 'short', 'good'] as const) {
        const production = startup(envFor(name, kind, 'production'), name);
        for (const mode of ['development', 'production'] as const) {
          const env = envFor(name, kind, mode);
          const here = startup(env, name);
          const cell = `${name}=${kind} in ${mode}`;
          assert.equal(here.verdict, EXPECTED[name][kind][mode], `startup: ${cell}`);

          const check = doctor(env);
          // `config` says what the agent does in this mode: it refuses exactly when loadConfig refuses.
          const config = check('config');
          assert.equal(config.status === 'fail', here.verdict.startsWith('E:'), `doctor config: ${cell}`);
          if (here.verdict.startsWith('E:')) assert.ok(config.message.startsWith(here.verdict.slice(2)));
          // The secret's own item is the production verdict, with the same words as startup's.
          const item = check(CHECK[name]);
          assert.equal(item.status, STATUS[production.verdict[0]!], `doctor ${CHECK[name]}: ${cell}`);
          if (production.verdict !== 'ok') assert.ok(production.message.includes(item.message), cell);
          assert.ok(!item.message.includes(GOOD[name]), `no value in: ${item.message}`);
        }
      }
    });
  }

  it('reuse and low variety: production refuses, development warns, doctor fails; never the value', () => {
    const reused = { ...BASE, SWML_ADMIN_TOKEN: BASE.SWML_TOKEN_SECRET };
    const guessable = { ...BASE, SWML_BASIC_AUTH_PASSWORD: 'ab'.repeat(20) };
    for (const [env, name, check] of [
      [reused, 'SWML_ADMIN_TOKEN', 'admin_endpoint'],
      [guessable, 'SWML_BASIC_AUTH_PASSWORD', 'basic_auth'],
    ] as const) {
      assert.match(startup({ ...env, NODE_ENV: 'production' }, name).verdict, /^E:ERR_SWML_WEAK_/);
      assert.match(startup(env, name).verdict, /^W:WRN_SWML_WEAK_/);
      const item = doctor(env)(check);
      assert.equal(item.status, 'fail');
      assert.ok(!item.message.includes(env[name]));
    }
  });
});
