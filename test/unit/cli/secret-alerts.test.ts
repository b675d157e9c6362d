// `secret --env`'s receivers: flags, the environment and questions, checked before anything is written.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, colors, type Io } from '../../../src/cli/output.js';
import { alertSettings, applyAlertSettings } from '../../../src/cli/secret-alerts.js';
import { REAL } from '../../helpers/alert-receiver-cases.js';

function io(
  env: Record<string, string> = {},
  answers?: string[],
): Io & { errors: string[]; asked: string[] } {
  const errors: string[] = [];
  const asked: string[] = [];
  return {
    out: () => undefined,
    err: (line = '') => errors.push(line),
    color: colors(false),
    env,
    cwd: '/',
    errors,
    asked,
    ...(answers
      ? {
          ask: (q: string) => {
            asked.push(q);
            return Promise.resolve(answers.shift());
          },
        }
      : {}),
  };
}

describe('secret --env alert receivers', () => {
  it('flags give each severity its receivers; the summary says where alerts go', async () => {
    const s = await alertSettings(
      {
        'alert-critical': [`pagerduty:${REAL.pagerduty}`, `webhook:${REAL.webhook}`],
        'alert-warning': [`slack:${REAL.slack}`],
        'alert-heartbeat': REAL.heartbeat,
      },
      io(),
    );
    assert.equal(s.values.ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY, REAL.pagerduty);
    assert.equal(s.values.ALERT_CRITICAL_WEBHOOK_URL, REAL.webhook);
    assert.equal(s.summary, 'critical -> pagerduty webhook; warning -> slack; heartbeat -> webhook');
  });

  it('takes ALERT_* from the environment (secrets stay off the command line)', async () => {
    const s = await alertSettings(
      {
        'alert-warning': ['email:ops@acme.io'],
        'smtp-smarthost': 'smtp.acme.io:587',
        'smtp-from': 'a@acme.io',
      },
      io({
        ALERT_CRITICAL_SLACK_WEBHOOK_URL: REAL.slack,
        ALERT_SMTP_USERNAME: 'u',
        ALERT_SMTP_PASSWORD: 'p w$',
      }),
    );
    assert.equal(s.summary, 'critical -> slack; warning -> email; heartbeat -> none');
    const text = applyAlertSettings(
      'ALERT_CRITICAL_SLACK_WEBHOOK_URL=\nALERT_SMTP_PASSWORD=\nALERT_SMTP_REQUIRE_TLS=true\n# ALERT_WARNING_EMAIL_TO=\n',
      s.values,
    );
    assert.equal(
      text,
      `ALERT_CRITICAL_SLACK_WEBHOOK_URL=${REAL.slack}\nALERT_SMTP_PASSWORD='p w$'\nALERT_SMTP_REQUIRE_TLS=true\n# ALERT_WARNING_EMAIL_TO=\n`,
    );
  });

  it('no receiver is not an error here (the summary is empty); a bad one stops before writing (exit 2)', async () => {
    assert.equal((await alertSettings({}, io())).summary, '');
    for (const [flags, message] of [
      [{ 'alert-critical': ['webhook:http://alertmanager-webhook.invalid/x'] }, /a placeholder/],
      [{ 'alert-critical': ['teams:https://x.io'] }, /--alert-critical takes KIND:VALUE/],
      [{ 'alert-warning': ['slack:'] }, /--alert-warning takes KIND:VALUE/],
      [{ 'alert-critical': [`pagerduty:${REAL.pagerduty.slice(1)}`] }, /32 letters and digits/],
    ] as const) {
      await assert.rejects(alertSettings(flags, io()), (err: unknown) => {
        assert.ok(err instanceof CliError);
        assert.equal(err.exitCode, 2);
        assert.match(err.message, message);
        assert.ok(!err.message.includes(REAL.pagerduty.slice(1)), 'no secret shown');
        return true;
      });
    }
    await assert.rejects(alertSettings({}, io({ ALERT_SMTP_PASSWORD: "it's" })), /single quote/);
  });

  it('asks on a terminal when no flag is given, and asks again after a bad answer', async () => {
    const terminal = io({}, [
      'teams',
      'webhook',
      'http://alertmanager-webhook.invalid/not-configured',
      'pagerduty',
      REAL.pagerduty,
      'email',
      'ops@acme.io',
      'smtp.acme.io:587',
      'alerts@acme.io',
      '',
      REAL.heartbeat,
    ]);
    const s = await alertSettings({}, terminal);
    assert.equal(s.summary, 'critical -> pagerduty; warning -> email; heartbeat -> webhook');
    assert.ok(terminal.errors.some((l) => /one of pagerduty, slack, email, webhook/.test(l)));
    assert.ok(terminal.errors.some((l) => /points at alertmanager-webhook\.invalid, a placeholder/.test(l)));
    assert.ok(terminal.asked.some((q) => q.startsWith('Critical alerts (they page someone)')));
    // With flags, nothing is asked; --ask without a terminal is a usage error.
    const quiet = io({}, []);
    await alertSettings({ 'alert-critical': [`pagerduty:${REAL.pagerduty}`] }, quiet);
    assert.deepEqual(quiet.asked, []);
    await assert.rejects(alertSettings({ ask: true }, io()), /--ask needs a terminal/);
  });
});
