// `swml-guard alert-test` against a real Alertmanager (rendered by entrypoint.sh, production routes and waits):
// a webhook receiver that accepts (200) is reported accepted, one that refuses (500) refused, both by exit code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../integration/cli/run-cli.js';
import {
  startAlertmanager,
  startReceiver,
  type Alertmanager,
  type Receiver,
} from '../helpers/alerting-stack.js';

const receivers: Receiver[] = [];
const alertmanagers: Alertmanager[] = [];
let accepting: Receiver;
let refusing: Receiver;
let am: Alertmanager;

before(async () => {
  accepting = await startReceiver(200, '/accept');
  refusing = await startReceiver(500, '/refuse');
  receivers.push(accepting, refusing);
  // critical -> the receiver that accepts, warning -> the one that refuses.
  am = await startAlertmanager({
    ALERT_CRITICAL_WEBHOOK_URL: accepting.url,
    ALERT_WARNING_WEBHOOK_URL: refusing.url,
  });
  alertmanagers.push(am);
});

after(async () => {
  for (const a of alertmanagers) await a.stop();
  for (const r of receivers) await r.close();
});

const cli = (args: string[]) =>
  runCli(['alert-test', '--alertmanager-url', am.url, ...args], { timeoutMs: 120_000 });

describe('swml-guard alert-test (subprocess, real Alertmanager)', () => {
  it('reports a receiver that accepted the test alert (exit 0), which then got it', async () => {
    const r = await cli(['--severity', 'critical']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Routed to receiver critical:/);
    assert.match(r.stdout, /webhook +accepted +1 +0/);
    assert.match(r.stdout, /The receiver accepted the test alert/);
    const got = accepting.received.flatMap((m) => m.message.alerts);
    const alert = got.find((a) => a.labels.alertname === 'SwmlGuardAlertTest');
    assert.ok(alert, 'the accepting receiver got the test alert');
    assert.equal(alert.labels.severity, 'critical');
    assert.match(alert.annotations.runbook_url ?? '', /^https:\/\/.+observability\.md#checking-delivery/);
    assert.equal(refusing.received.length, 0, 'the warning receiver was not involved');
  });

  it('reports a receiver that refused it (exit 1), with the failed attempts and what to check', async () => {
    const r = await cli(['--severity', 'warning', '--json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as {
      receivers: string[];
      ok: boolean;
      integrations: { integration: string; result: string; failed: number }[];
    };
    assert.deepEqual(report.receivers, ['warning']);
    assert.equal(report.ok, false);
    assert.equal(report.integrations[0]?.integration, 'webhook');
    assert.equal(report.integrations[0]?.result, 'refused');
    assert.ok((report.integrations[0]?.failed ?? 0) >= 1);
    assert.ok(refusing.received.length >= 1, 'Alertmanager did try the refusing receiver');
  });

  it('fails cleanly when Alertmanager is unreachable, and on a bad --severity', async () => {
    const down = await runCli(['alert-test', '--alertmanager-url', 'http://127.0.0.1:1', '--timeout', '5']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /Alertmanager at http:\/\/127\.0\.0\.1:1 is unreachable/);
    assert.match(down.stderr, /fix: pass --alertmanager-url/);
    const bad = await runCli(['alert-test', '--severity', 'info']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--severity must be critical or warning/);
  });
});
