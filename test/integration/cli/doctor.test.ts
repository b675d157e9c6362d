import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/agent-process.js';
import { assertNoStack, runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-doctor-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const STRONG = {
  NODE_ENV: 'production',
  SWML_BASIC_AUTH_PASSWORD: 'Pw-strong-9f8e7d6c5b4a3210-ZYXWVUTSRQ-abcdef',
  SWML_TOKEN_SECRET: 'Tk-secret-0a1b2c3d4e5f6789-QRSTUVWXYZ-ghijkl',
  SWML_ADMIN_TOKEN: 'Ad-admin-13579bdf02468ace-MNOPQRSTUV-uvwxyz',
  SWML_PROXY_URL_BASE: 'https://agent.example.com',
  SWML_TRUST_PROXY: '1',
  SIGNALWIRE_SIGNING_KEY: 'PSK-doctor-0123456789abcdef',
  SWML_STATE_DIR: join(tmp, 'state'),
  AUDIT_LOG_FILE: join(tmp, 'audit.log'),
  METRICS_HOST: '127.0.0.1',
};
const WEAK = { SWML_BASIC_AUTH_PASSWORD: 'hunter2', METRICS_HOST: '0.0.0.0' };
const SECRET_VALUES = [
  STRONG.SWML_BASIC_AUTH_PASSWORD,
  STRONG.SWML_TOKEN_SECRET,
  STRONG.SWML_ADMIN_TOKEN,
  STRONG.SIGNALWIRE_SIGNING_KEY,
  'hunter2',
];

const doctorJson = async (env: Record<string, string>, args: string[] = []) => {
  const r = await runCli(['doctor', '--json', ...args], { env });
  assertNoStack(r.stderr);
  return {
    code: r.code,
    raw: r.stdout,
    doc: JSON.parse(r.stdout) as {
      status: string;
      checks: { id: string; status: string; message: string; fix: string | null }[];
    },
  };
};
const statuses = (doc: { checks: { id: string; status: string }[] }) =>
  Object.fromEntries(doc.checks.map((c) => [c.id, c.status]));

describe('swml-guard doctor (subprocess)', () => {
  it('passes on a strong setup: exit 0, every check pass', async () => {
    const r = await runCli(['doctor'], { env: STRONG });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /All 14 checks passed\./);
    assert.ok(!r.stdout.includes('\u001b['), 'no colors when stdout is not a TTY');
    for (const s of SECRET_VALUES) assert.ok(!r.stdout.includes(s));
  });

  it('fails on a weak setup: exit 2, a fix for each failing item, no secret printed', async () => {
    const r = await runCli(['doctor'], { env: WEAK });
    assert.equal(r.code, 2);
    assert.match(r.stdout, /FAIL {2}https +TLS is off/);
    assert.match(
      r.stdout,
      /FAIL {2}basic_auth +SWML_BASIC_AUTH_PASSWORD must be at least 32 characters; got 7\n +fix: /,
    );
    assert.match(r.stdout, /FAIL {2}token_secret +SWML_TOKEN_SECRET is unset/);
    assert.match(r.stdout, /WARN {2}metrics_bind +METRICS_HOST=0\.0\.0\.0/);
    assert.ok(!r.stdout.includes('hunter2'));
  });

  it('--json is stable: same input, identical output; ids and order fixed', async () => {
    const a = await doctorJson(WEAK);
    const b = await doctorJson(WEAK);
    assert.equal(a.raw, b.raw);
    assert.equal(a.code, 2);
    assert.equal(a.doc.status, 'fail');
    assert.deepEqual(statuses(a.doc), {
      config: 'pass',
      production_mode: 'warn',
      https: 'fail',
      basic_auth: 'fail',
      token_secret: 'fail',
      secure_tools: 'pass',
      rate_limits: 'pass',
      audit_log: 'warn',
      metrics_bind: 'warn',
      admin_endpoint: 'warn',
      tls_files: 'pass',
      alerting: 'pass',
      signing: 'warn',
      revocations: 'fail',
    });
    for (const c of a.doc.checks) assert.equal(c.fix === null, c.status === 'pass', c.id);
    const strong = await doctorJson(STRONG);
    assert.equal(strong.doc.status, 'pass');
    assert.deepEqual(
      strong.doc.checks.map((c) => c.id),
      a.doc.checks.map((c) => c.id),
    );
  });

  it('warnings only: exit 1', async () => {
    const { AUDIT_LOG_FILE: _omit, ...noAudit } = STRONG;
    const r = await doctorJson(noAudit);
    assert.equal(r.code, 1);
    assert.equal(r.doc.status, 'warn');
    assert.equal(statuses(r.doc).audit_log, 'warn');
  });

  it('a configuration error is a failing check, not a crash (and hides the value)', async () => {
    const r = await doctorJson({ ...STRONG, SWML_TOKEN_SECRET: 'short-secret', SWML_RATE_LIMIT: 'lots' });
    assert.equal(r.code, 2);
    const config = r.doc.checks.find((c) => c.id === 'config');
    assert.equal(config?.status, 'fail');
    assert.match(config?.message ?? '', /SWML_RATE_LIMIT must be a whole number/);
    assert.equal(statuses(r.doc).token_secret, 'fail');
    assert.ok(!r.raw.includes('short-secret'));
  });

  it('flags a risky tool that opted out with secure: false in a user agent module, and lists every opt-out', async () => {
    const file = join(tmp, 'risky-agent.ts');
    writeFileSync(
      file,
      `import { AgentBase, FunctionResult } from ${JSON.stringify(`${ROOT}src/index.ts`)};
export default () => new AgentBase({ name: 'shop' })
  .defineTool({ name: 'refund_order', description: 'Refund money to the card', secure: false, handler: () => new FunctionResult('ok') })
  .defineTool({ name: 'delete_order', description: 'Delete an order', handler: () => new FunctionResult('ok') })
  .defineTool({ name: 'opening_hours', description: 'When the shop is open', secure: false, handler: () => new FunctionResult('9-5') });
`,
    );
    const r = await doctorJson(STRONG, [file]);
    assert.equal(r.code, 2);
    const check = r.doc.checks.find((c) => c.id === 'secure_tools');
    assert.equal(check?.status, 'fail');
    assert.match(check?.message ?? '', /opted out with secure: false: refund_order$/);
    assert.match(check?.fix ?? '', /remove secure: false/);
    const missing = await doctorJson(STRONG, [join(tmp, 'nope.ts')]);
    assert.match(
      missing.doc.checks.find((c) => c.id === 'secure_tools')?.message ?? '',
      /agent module not found/,
    );
  });
});
