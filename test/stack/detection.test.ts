// Detection time, measured with production settings: a real agent, Prometheus scraping and evaluating the
// project's rules every 15 s, and Alertmanager on its real configuration (rendered by entrypoint.sh for a
// webhook receiver: production routes, group_wait and all). A brute force starts (wrong Basic Auth every 2 s
// from one client, default limits); the test measures the time until AuthFailureSpike reaches the receiver.
// Target: under 2 minutes. Asserted: within 4 minutes (a loaded CI machine); the figure is printed and goes
// into docs/observability.md.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import {
  startAlertmanager,
  startPrometheus,
  startReceiver,
  waitFor,
  type Alertmanager,
  type Prometheus,
  type Receiver,
} from '../helpers/alerting-stack.js';

const PRODUCTION_INTERVAL = '15s';
const ATTEMPT_EVERY_MS = 2_000;
const BOUND_MS = 4 * 60_000;

let receiver: Receiver | undefined;
let agent: AgentProcess | undefined;
let am: Alertmanager | undefined;
let prom: Prometheus | undefined;

before(async () => {
  receiver = await startReceiver();
  agent = await startAgentProcess({ env: { LOG_LEVEL: 'warn' } });
  am = await startAlertmanager({
    ALERT_CRITICAL_WEBHOOK_URL: receiver.url,
    ALERT_WARNING_WEBHOOK_URL: receiver.url,
  });
  prom = await startPrometheus({
    interval: PRODUCTION_INTERVAL,
    targets: { 'swml-agent': `127.0.0.1:${agent.metricsPort}`, alertmanager: new URL(am.url).host },
    alertmanagerUrl: am.url,
  });
  // The counters' startup zeros must be scraped before the attack, as in a stack that has been running.
  await waitFor(
    'two scrapes of the agent',
    async () =>
      (await prom!.query('count_over_time(up{job="swml-agent"}[2m]) >= 2')).length > 0 ? true : undefined,
    90_000,
  );
});

after(async () => {
  await agent?.stop();
  await prom?.stop();
  await am?.stop();
  await receiver?.close();
});

test('AuthFailureSpike reaches the receiver within 4 minutes of the first wrong password (target: 2)', async (t) => {
  const a = agent!;
  const wrong = `Basic ${Buffer.from(`${a.user}:not-the-password`).toString('base64')}`;
  const statuses = new Map<number, number>();
  let attacking = true;
  const started = Date.now();
  const attack = (async () => {
    while (attacking) {
      const res = await fetch(`${a.baseUrl}/`, {
        method: 'POST',
        headers: { authorization: wrong, 'content-type': 'application/json' },
        body: '{}',
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, ATTEMPT_EVERY_MS));
    }
  })();

  try {
    const arrival = await waitFor(
      'AuthFailureSpike at the webhook receiver',
      () =>
        Promise.resolve(
          receiver!.received.find((r) =>
            r.message.alerts.some((x) => x.labels.alertname === 'AuthFailureSpike' && x.status === 'firing'),
          ),
        ),
      BOUND_MS,
    );
    const seconds = (arrival.at - started) / 1000;
    const line = `AuthFailureSpike detection time: ${seconds.toFixed(1)} s from the first wrong password to the receiver (15 s scrape and evaluation, production Alertmanager routing); attempts: ${JSON.stringify(Object.fromEntries(statuses))}`;
    t.diagnostic(line);
    console.log(line);
    assert.ok(seconds * 1000 <= BOUND_MS);
    const alert = arrival.message.alerts.find((x) => x.labels.alertname === 'AuthFailureSpike')!;
    assert.equal(arrival.message.receiver, 'warning', 'routed as a warning');
    assert.equal(alert.labels.layer, 'basic');
    assert.equal(
      alert.annotations.runbook_url,
      'https://github.com/swml-guard/swml-guard/blob/main/docs/incident-response.md#authfailurespike',
    );
    assert.ok((statuses.get(401) ?? 0) >= 1, 'wrong passwords were refused');
  } finally {
    attacking = false;
    await attack;
  }
});
