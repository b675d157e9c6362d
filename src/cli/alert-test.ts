// `swml-guard alert-test`: a test alert through the running Alertmanager (API v2); did its receiver accept it?
import { randomBytes } from 'node:crypto';
import { DEFAULT_RUNBOOK_BASE } from './alert-receivers.js';
import {
  amJson,
  amRequest,
  notificationCounters,
  outcome,
  receiverIntegrations,
  type Counters,
  type Outcome,
} from './alertmanager-api.js';
import { CliError, parse, table, type Io } from './output.js';

export const ALERT_TEST_HELP = `Usage: swml-guard alert-test [--alertmanager-url <url>] [--severity critical|warning] [--timeout <s>] [--json]

Sends a test alert (SwmlGuardAlertTest) through the running Alertmanager, as Prometheus sends real ones,
then watches Alertmanager's own counters (alertmanager_notification_requests_total and _failed_total, per
integration) until each integration of the receiver that severity routes to has accepted or refused it.
The test alert is resolved afterwards (the receiver also gets a "resolved" message).

  --alertmanager-url <url>  default $ALERTMANAGER_URL, else http://127.0.0.1:9093. With docker compose:
                            docker compose exec agent node bin/swml-guard.js alert-test --alertmanager-url http://alertmanager:9093
  --severity <level>        critical (default) or warning: the receiver to test
  --timeout <seconds>       how long to wait for the notification (default 60; Alertmanager waits 10-15 s)
  --json                    print {"receivers","integrations":[{"integration","result","sent","failed"}]}

Exit code: 0 when every integration accepted the alert; 1 when one refused it, nothing was sent in time,
or Alertmanager is unreachable. The counters are per integration type: another notification of the same
type in the same seconds (the heartbeat is a webhook) can mix in; run it again if in doubt.`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function counters(base: string): Promise<Counters> {
  return notificationCounters((await amRequest(base, 'GET', '/metrics')).body);
}

export async function alertTestCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    'alert-test',
    args,
    {
      help: { type: 'boolean', short: 'h' },
      'alertmanager-url': { type: 'string' },
      severity: { type: 'string', default: 'critical' },
      timeout: { type: 'string', default: '60' },
      json: { type: 'boolean' },
    },
    false,
  );
  if (values.help) return (io.out(ALERT_TEST_HELP), 0);
  const severity = values.severity;
  const timeout = Number(values.timeout);
  if (severity !== 'critical' && severity !== 'warning')
    throw new CliError(`--severity must be critical or warning, got ${JSON.stringify(severity)}`, {
      exitCode: 2,
    });
  if (!(timeout >= 1 && timeout <= 600))
    throw new CliError('--timeout must be a number of seconds between 1 and 600', { exitCode: 2 });
  const base = (values['alertmanager-url'] ?? io.env.ALERTMANAGER_URL ?? 'http://127.0.0.1:9093').replace(
    /\/+$/,
    '',
  );

  const status = await amJson<{ config?: { original?: string } }>(base, '/api/v2/status');
  const integrationsOf = receiverIntegrations(status.config?.original ?? '');
  const before = await counters(base);
  const testId = randomBytes(6).toString('hex');
  const labels = { alertname: 'SwmlGuardAlertTest', severity, test_id: testId };
  const alert = (endsAt: Date) => [
    {
      labels,
      annotations: {
        summary: `swml-guard alert test (${severity}): if you read this, ${severity} alerts reach you`,
        description: `Sent by \`swml-guard alert-test\` (test_id ${testId}). Nothing is wrong; it resolves by itself.`,
        runbook_url: `${io.env.RUNBOOK_BASE_URL || DEFAULT_RUNBOOK_BASE}/observability.md#checking-delivery-swml-guard-alert-test`,
      },
      startsAt: new Date().toISOString(),
      endsAt: endsAt.toISOString(),
    },
  ];
  await amRequest(base, 'POST', '/api/v2/alerts', alert(new Date(Date.now() + 10 * 60_000)));

  const deadline = Date.now() + timeout * 1000;
  let receivers: string[] = [];
  while (receivers.length === 0 && Date.now() < deadline) {
    const found = await amJson<{ receivers?: { name: string }[] }[]>(
      base,
      `/api/v2/alerts?filter=${encodeURIComponent(`test_id="${testId}"`)}`,
    );
    receivers = found.flatMap((a) => (a.receivers ?? []).map((r) => r.name));
    if (receivers.length === 0) await sleep(250);
  }
  const integrations = [...new Set(receivers.flatMap((r) => integrationsOf.get(r) ?? []))];
  let outcomes: Outcome[] = integrations.map((i) => outcome(i, before, before));
  try {
    if (receivers.length === 0)
      throw new CliError(`Alertmanager did not take the test alert within ${timeout} s`);
    if (integrations.length === 0) {
      throw new CliError(
        `receiver ${receivers.join(', ')} has no integration: ${severity} alerts go nowhere`,
        {
          fix: 'set its ALERT_* receivers in .env and restart Alertmanager (docs/observability.md)',
        },
      );
    }
    while (Date.now() < deadline && outcomes.some((o) => o.result === 'no attempt')) {
      await sleep(500);
      const now = await counters(base);
      outcomes = integrations.map((i) => outcome(i, before, now));
    }
  } finally {
    // Resolve it whatever happened, so it does not linger in Alertmanager for 10 minutes.
    await amRequest(base, 'POST', '/api/v2/alerts', alert(new Date())).catch(() => undefined);
  }

  const ok = outcomes.every((o) => o.result === 'accepted');
  if (values.json) {
    io.out(JSON.stringify({ alertmanager: base, severity, receivers, integrations: outcomes, ok }, null, 2));
    return ok ? 0 : 1;
  }
  const { green, red, yellow } = io.color;
  io.out(`Test alert SwmlGuardAlertTest (severity ${severity}, test_id ${testId}) sent to ${base}`);
  io.out(`Routed to receiver ${receivers.join(', ')}:`);
  const paint = { accepted: green, refused: red, 'no attempt': yellow };
  const rows = outcomes.map((o) => [
    o.integration,
    paint[o.result](o.result),
    String(o.sent),
    String(o.failed),
  ]);
  for (const line of table(['integration', 'result', 'attempts', 'failed'], rows)) io.out(`  ${line}`);
  if (ok) {
    io.out(green(`The receiver accepted the test alert: check it arrived where you expect (resolved next).`));
    return 0;
  }
  const refused = outcomes.some((o) => o.result === 'refused');
  io.err(
    red(
      refused
        ? `The receiver refused the test alert: Alertmanager's log says why (docker compose logs alertmanager).`
        : `No notification was attempted within ${timeout} s: is --timeout longer than the route's group_wait?`,
    ),
  );
  io.err('fix: check the ALERT_* values in .env (docs/observability.md, "Where alerts go")');
  return 1;
}
