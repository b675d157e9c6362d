// The receivers end to end through the CLI (subprocess): `secret --env` writes them, `doctor` judges the .env.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REAL } from '../../helpers/alert-receiver-cases.js';
import { assertNoStack, runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-alerting-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function parseEnv(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('alert receivers through the CLI (subprocess)', () => {
  it('secret --env writes the receivers given as flags; doctor then passes the alerting item', async () => {
    const file = join(tmp, 'flags.env');
    const r = await runCli([
      'secret',
      '--env',
      file,
      '--domain',
      'agent.acme.io',
      '--alert-critical',
      `pagerduty:${REAL.pagerduty}`,
      '--alert-warning',
      `slack:${REAL.slack}`,
      '--alert-heartbeat',
      REAL.heartbeat,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Alerts: critical -> pagerduty; warning -> slack; heartbeat -> webhook/);
    for (const secret of [REAL.pagerduty, REAL.slack]) assert.ok(!r.stdout.includes(secret), 'not printed');
    const env = parseEnv(file);
    assert.equal(env.ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY, REAL.pagerduty);
    assert.equal(env.ALERT_WARNING_SLACK_WEBHOOK_URL, REAL.slack);
    assert.equal(env.ALERT_HEARTBEAT_URL, REAL.heartbeat);

    const doctor = await runCli(['doctor', '--json'], { env });
    const report = JSON.parse(doctor.stdout) as { checks: { id: string; status: string; message: string }[] };
    const alerting = report.checks.find((c) => c.id === 'alerting');
    assert.equal(alerting?.status, 'pass', doctor.stdout);
    assert.ok(!doctor.stdout.includes(REAL.slack), 'doctor never prints a receiver');
  });

  it('without receivers the .env is written, says what is missing, and doctor fails until one is set', async () => {
    const file = join(tmp, 'none.env');
    const r = await runCli(['secret', '--env', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Alerts: not configured yet\. Alertmanager will refuse to start/);
    const env = parseEnv(file);
    const doctor = await runCli(['doctor'], { env });
    assert.equal(doctor.code, 2);
    assert.match(doctor.stdout, /FAIL {2}alerting +no alert receiver is configured/);
    assertNoStack(doctor.stdout + doctor.stderr);
  });

  it('a placeholder or malformed receiver stops secret --env before anything is written', async () => {
    const file = join(tmp, 'bad.env');
    const r = await runCli([
      'secret',
      '--env',
      file,
      '--alert-critical',
      'webhook:http://alertmanager-webhook.invalid/not-configured',
      '--alert-warning',
      `slack:${REAL.slack}`,
    ]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /ALERT_CRITICAL_WEBHOOK_URL points at alertmanager-webhook\.invalid, a placeholder/,
    );
    assert.ok(!r.stderr.includes(REAL.slack));
    assert.equal(existsSync(file), false);
    const stray = await runCli(['secret', '--alert-critical', `pagerduty:${REAL.pagerduty}`]);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--alert-critical only applies with --env <path>/);
  });
});
