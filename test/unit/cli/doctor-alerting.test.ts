// doctor's `alerting` item: a compose .env fails until alerts reach a real receiver, as Alertmanager refuses to start.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertingCheck } from '../../../src/cli/doctor-alerting.js';
import type { DoctorInput } from '../../../src/cli/doctor-model.js';
import { REAL } from '../../helpers/alert-receiver-cases.js';

const COMPOSE = { GRAFANA_ADMIN_PASSWORD: 'g'.repeat(64), REDIS_PASSWORD: 'r'.repeat(64) };
const GOOD = {
  ...COMPOSE,
  ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY: REAL.pagerduty,
  ALERT_WARNING_SLACK_WEBHOOK_URL: REAL.slack,
  ALERT_HEARTBEAT_URL: REAL.heartbeat,
};

function check(env: Record<string, string>) {
  const input: DoctorInput = { env, overrides: {}, agent: undefined, agentError: undefined, now: new Date() };
  const result = alertingCheck(input);
  assert.equal(result.id, 'alerting');
  for (const value of Object.values(env)) {
    if (value.length > 20) assert.ok(!JSON.stringify(result).includes(value), 'no secret in the report');
  }
  return result;
}

describe('doctor alerting', () => {
  it('passes outside docker compose (no ALERT_* nor compose-only variables): nothing to audit', () => {
    const r = check({ NODE_ENV: 'production' });
    assert.equal(r.status, 'pass');
    assert.match(r.message, /not a docker compose \.env/);
  });

  it('fails on a compose .env until both severities have a real receiver', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [COMPOSE, /no alert receiver is configured/],
      [{ ...COMPOSE, ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY: REAL.pagerduty }, /no receiver for warnings/],
      [
        { ...GOOD, ALERT_CRITICAL_WEBHOOK_URL: 'http://alertmanager-webhook.invalid/not-configured' },
        /ALERT_CRITICAL_WEBHOOK_URL points at alertmanager-webhook\.invalid, a placeholder/,
      ],
      [{ ...GOOD, ALERTMANAGER_WEBHOOK_URL: REAL.webhook }, /ALERTMANAGER_WEBHOOK_URL is no longer read/],
      // The previous release's .env: only the old variable, holding its placeholder.
      [
        { ...COMPOSE, ALERTMANAGER_WEBHOOK_URL: 'http://alertmanager-webhook.invalid/not-configured' },
        /ALERTMANAGER_WEBHOOK_URL is no longer read/,
      ],
    ];
    for (const [env, message] of cases) {
      const r = check(env);
      assert.equal(r.status, 'fail', JSON.stringify(r));
      assert.match(r.message, message);
      assert.match(r.message, /Alertmanager refuses to start/);
      assert.match(r.fix ?? '', /ALERT_\* receivers/);
    }
  });

  it("warns without a dead man's switch or with a relative runbook base; passes when all is set", () => {
    const { ALERT_HEARTBEAT_URL: _, ...noHeartbeat } = GOOD;
    const warn = check(noHeartbeat);
    assert.equal(warn.status, 'warn');
    assert.match(warn.message, /critical -> pagerduty; warning -> slack; no ALERT_HEARTBEAT_URL/);
    assert.equal(check({ ...GOOD, RUNBOOK_BASE_URL: 'docs' }).status, 'warn');
    const ok = check({ ...GOOD, RUNBOOK_BASE_URL: 'https://wiki.acme.io/swml/docs' });
    assert.equal(ok.status, 'pass');
    assert.match(ok.message, /heartbeat set\. Check delivery with `swml-guard alert-test`/);
  });
});
