// A real agent, Prometheus (1 s scrape, the project's rules) and Alertmanager on 127.0.0.1: every dashboard
// and rule query returns data, every rule is healthy, and an alert reaches a webhook receiver.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePort, startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import { requireBinary } from '../helpers/binaries.js';
import {
  RULES_DIR,
  startAlertmanager,
  startPrometheus,
  startProcess,
  startReceiver,
  waitFor,
  type Proc,
  type Alertmanager,
  type Prometheus,
  type Receiver,
} from '../helpers/alerting-stack.js';

const DASHBOARDS_DIR = join(ROOT, 'grafana', 'dashboards');
const DATA_WAIT_MS = 30_000;

/** Values for Grafana's variables when a dashboard query is run directly against Prometheus. */
const GRAFANA_VARIABLES: Record<string, string> = {
  $__rate_interval: '1m',
  $__range: '1h',
  $function: '.+',
};

interface PromRule {
  name: string;
  type: 'alerting' | 'recording';
  query: string;
  health: string;
  lastError?: string;
}

let receiver: Receiver | undefined;
let agent: AgentProcess | undefined;
let am: Alertmanager | undefined;
let prom: Prometheus | undefined;
let nodeExporter: Proc | undefined;

const promQuery = (expr: string) => prom!.query(expr);

async function promRules(): Promise<PromRule[]> {
  const res = await fetch(`${prom!.url}/api/v1/rules`);
  const body = (await res.json()) as { data: { groups: { name: string; rules: PromRule[] }[] } };
  return body.data.groups.flatMap((g) => g.rules);
}

/** Rule names declared in the project's rule files, one per rule (an alert may have several: AgentDown). */
function declaredRules(): string[] {
  const names: string[] = [];
  for (const file of readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml'))) {
    for (const m of readFileSync(join(RULES_DIR, file), 'utf8').matchAll(
      /^\s+- (?:alert|record): (\S+)$/gm,
    )) {
      names.push(m[1]!);
    }
  }
  return names;
}

/** Every PromQL query of the generated dashboards, with Grafana variables substituted. */
function dashboardQueries(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const file of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as {
      panels: { title?: string; targets?: { expr?: string }[] }[];
    };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        let expr = target.expr ?? '';
        for (const [name, value] of Object.entries(GRAFANA_VARIABLES)) expr = expr.split(name).join(value);
        assert.doesNotMatch(expr, /\$/, `${file} "${panel.title}": unknown Grafana variable in ${expr}`);
        out.push({ where: `${file} "${panel.title ?? ''}"`, expr });
      }
    }
  }
  return out;
}

const PROMQL_KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'atan2',
]);

/** Metric names an expression selects (strings, matchers, ranges and grouping labels stripped). */
function metricNames(expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of s.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)) {
    const rest = s.slice(m.index + m[0].length).trimStart();
    if (rest.startsWith('(') || PROMQL_KEYWORDS.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}

async function driveTraffic(a: AgentProcess): Promise<void> {
  const basic = `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}`;
  const post = (path: string, body: unknown, authorization = basic) =>
    fetch(`${a.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(body),
    });
  const expectStatus = async (res: Promise<Response>, status: number, what: string) => {
    const r = await res;
    await r.arrayBuffer();
    assert.equal(r.status, status, what);
  };

  // SWML fetches: two calls from one number, then the per-caller call limit (2 per hour) trips.
  const caller = '+15551230001';
  const swmlRes = await post('/', { call: { call_id: 'stack-call-1', from: caller, to: '+15550000000' } });
  assert.equal(swmlRes.status, 200);
  const swml = (await swmlRes.json()) as {
    sections: {
      main: {
        ai?: { SWAIG: { functions: { function: string; web_hook_url?: string }[] }; post_prompt_url: string };
      }[];
    };
  };
  const ai = swml.sections.main.find((s) => s.ai)?.ai;
  assert.ok(ai, 'SWML has an ai verb');
  const hook = (name: string) => {
    const url = ai.SWAIG.functions.find((f) => f.function === name)?.web_hook_url;
    assert.ok(url, `${name} has its own web_hook_url with a token`);
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };
  await expectStatus(post('/', { call: { call_id: 'stack-call-2', from: caller } }), 200, 'second call');
  await expectStatus(
    post('/', { call: { call_id: 'stack-call-3', from: caller } }),
    200,
    'limited call (refusal SWML)',
  );
  await expectStatus(fetch(`${a.baseUrl}/`, { headers: { authorization: basic } }), 200, 'GET SWML');
  // A load balancer's and Docker's probes (their own panel; left out of every traffic panel and ratio).
  for (const probe of ['/health', '/ready', '/ready'])
    await expectStatus(fetch(`${a.baseUrl}${probe}`), 200, probe);

  const call = (path: string, fn: string, args: Record<string, unknown>, callId = 'stack-call-1') =>
    post(path, {
      function: fn,
      call_id: callId,
      caller_id_num: caller,
      argument: { parsed: [args], raw: JSON.stringify(args) },
    });
  // Tool calls: ok, secure ok, large transaction, invalid arguments, missing and tampered tokens.
  await expectStatus(call('/swaig', 'get_balance', {}), 200, 'get_balance');
  await expectStatus(
    call(hook('transfer_funds'), 'transfer_funds', { amount: 50, to_account: '1234567890' }),
    200,
    'transfer',
  );
  await expectStatus(
    call(hook('transfer_funds'), 'transfer_funds', { amount: 50000, to_account: '1234567890' }),
    200,
    'large transfer',
  );
  await expectStatus(
    call(hook('transfer_funds'), 'transfer_funds', { amount: -1, to_account: 'x' }),
    200,
    'invalid args',
  );
  await expectStatus(
    call(hook('change_password'), 'change_password', { new_password: 'a-new-long-password' }),
    200,
    'change_password',
  );
  await expectStatus(
    call('/swaig', 'transfer_funds', { amount: 5, to_account: '1234567890' }),
    403,
    'no token',
  );
  await expectStatus(
    call(`${hook('transfer_funds')}x`, 'transfer_funds', { amount: 5, to_account: '1234567890' }),
    403,
    'tampered token',
  );
  await expectStatus(
    call(hook('transfer_funds'), 'transfer_funds', { amount: 5, to_account: '1234567890' }, 'other-call'),
    403,
    'replayed token',
  );
  // Per-caller tool limit (3 per minute here): the 4th and 5th get_balance are rate limited.
  for (let i = 0; i < 4; i++) await expectStatus(call('/swaig', 'get_balance', {}), 200, 'get_balance again');

  // Emergency mode through the admin endpoint, then a secure tool is blocked.
  const admin = await fetch(`http://127.0.0.1:${a.metricsPort}/admin/emergency`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${a.adminToken}` },
    body: JSON.stringify({ level: 'secure', reason: 'stack test' }),
  });
  assert.equal(admin.status, 200, await admin.text());
  await expectStatus(
    call(hook('delete_account'), 'delete_account', { verification_code: '123456' }),
    200,
    'emergency block',
  );

  // Failed Basic Auth last: after 3 failures the auth limiter answers 429 to this IP, even with the right
  // credentials, until its window ends.
  const wrong = `Basic ${Buffer.from(`${a.user}:wrong-password`).toString('base64')}`;
  await expectStatus(post('/', {}, wrong), 401, 'wrong password');
  await expectStatus(post('/swaig', {}, ''), 401, 'no credentials');
  await expectStatus(post('/', {}, wrong), 401, 'wrong password again');
  await expectStatus(post('/', {}, wrong), 429, 'auth limiter');
}

before(async () => {
  const nodeExporterBin = requireBinary('prometheus-node-exporter');
  receiver = await startReceiver();
  agent = await startAgentProcess({
    env: {
      LOG_LEVEL: 'warn',
      SWML_CALLER_CALL_LIMIT: '2',
      SWML_CALLER_FUNCTION_LIMIT: '3',
      SWML_AUTH_FAILURE_LIMIT: '3',
    },
  });
  // The real routing, both severities to the local receiver (delivery timing is detection.test.ts's business).
  am = await startAlertmanager({
    ALERT_CRITICAL_WEBHOOK_URL: receiver.url,
    ALERT_WARNING_WEBHOOK_URL: receiver.url,
  });
  // This machine's own host metrics, for the host rules (rules/host.yml), as node-exporter gives them in compose.
  const nodePort = await freePort();
  nodeExporter = startProcess(nodeExporterBin, [`--web.listen-address=127.0.0.1:${nodePort}`]);
  // A 1 s scrape and evaluation so that data shows up within seconds.
  prom = await startPrometheus({
    interval: '1s',
    targets: {
      'swml-agent': `127.0.0.1:${agent.metricsPort}`,
      alertmanager: new URL(am.url).host,
      node: `127.0.0.1:${nodePort}`,
    },
    alertmanagerUrl: am.url,
  });

  // Counters must be scraped at their startup zeros before the traffic, or increase() sees no change.
  await waitFor('two scrapes of the agent before the traffic', async () => {
    const r = await promQuery('count_over_time(up{job="swml-agent"}[1m]) >= 2');
    return r.length > 0 ? true : undefined;
  });
  await driveTraffic(agent);
  // Wait until the agent's post-traffic counters have been scraped.
  await waitFor('a scrape after the traffic', async () => {
    const r = await promQuery('swml_emergency_mode{job="swml-agent", level="secure"} == 1');
    return r.length > 0 ? true : undefined;
  });
});

after(async () => {
  await agent?.stop();
  await prom?.stop();
  await am?.stop();
  await nodeExporter?.stop();
  await receiver?.close();
});

test('every rule of the project is loaded and evaluates without error', async () => {
  const expected = declaredRules();
  assert.ok(expected.length >= 30, 'rule files parsed');
  const rules = await waitFor('every rule evaluated with health ok', async () => {
    const all = await promRules();
    return all.length === expected.length && all.every((r) => r.health === 'ok') ? all : undefined;
  }).catch(async (err: unknown) => {
    const bad = (await promRules())
      .filter((r) => r.health !== 'ok')
      .map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`);
    throw new Error(`${String(err)}\n${bad.join('\n')}`);
  });
  assert.deepEqual(rules.map((r) => r.name).sort(), expected.sort());
});

test('every dashboard query returns at least one series', async () => {
  const queries = dashboardQueries();
  assert.ok(queries.length >= 30, `dashboards have queries (${queries.length})`);
  const empty = await waitFor(
    'every dashboard query to return data',
    async () => {
      const missing: string[] = [];
      for (const { where, expr } of queries) {
        if ((await promQuery(expr)).length === 0) missing.push(`${where}: ${expr}`);
      }
      return missing.length === 0 ? missing : undefined;
    },
    DATA_WAIT_MS,
  ).catch(async () => {
    const missing: string[] = [];
    for (const { where, expr } of queries)
      if ((await promQuery(expr)).length === 0) missing.push(`${where}: ${expr}`);
    return missing;
  });
  assert.deepEqual(empty, [], 'dashboard queries without data');
});

test('every rule expression parses and returns data', async () => {
  const rules = await promRules();
  const problems: string[] = [];
  for (const rule of rules) {
    // Recording rules and their output must return series. An alert expression is empty while the alert
    // is quiet, so for alerts every metric it selects must return series (a typo would leave it silent).
    const result = await promQuery(rule.query);
    if (rule.type === 'recording') {
      if (result.length === 0) problems.push(`${rule.name}: expression returned no series`);
      if ((await promQuery(rule.name)).length === 0) problems.push(`${rule.name}: no recorded series`);
    }
    for (const metric of metricNames(rule.query)) {
      if ((await promQuery(metric)).length === 0) problems.push(`${rule.name}: ${metric} returned no series`);
    }
  }
  assert.deepEqual(problems, []);
});

test('alerts fire from real traffic, and none of the outage alerts does', async () => {
  const expected = ['EmergencyModeActive', 'TokenRejections', 'LargeTransactionAttempts', 'CallLimitHits'];
  let names = new Set<string | undefined>();
  const firing = await waitFor(`${expected.join(', ')} firing`, async () => {
    names = new Set((await promQuery('ALERTS{alertstate="firing"}')).map((s) => s.metric.alertname));
    return expected.every((n) => names.has(n)) ? names : undefined;
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}; firing: ${[...names].join(', ')}`);
  });
  for (const name of ['AgentDown', 'HighErrorRate', 'UnusualCallVolume'])
    assert.ok(!firing.has(name), `${name} is not firing`);
  const reasons = (await promQuery('ALERTS{alertname="TokenRejections", alertstate="firing"}'))
    .map((s) => s.metric.reason)
    .sort();
  assert.ok(
    reasons.includes('missing') && reasons.includes('wrong_call'),
    `token reasons: ${reasons.join(', ')}`,
  );
});

test('an alert goes from Prometheus through Alertmanager to the webhook receiver', async () => {
  // Production routing: warnings wait group_wait (15 s) before they are sent.
  const alert = await waitFor(
    'EmergencyModeActive at the webhook',
    () =>
      Promise.resolve(
        receiver!.received
          .flatMap((r) => r.message.alerts)
          .find((a) => a.labels.alertname === 'EmergencyModeActive' && a.status === 'firing'),
      ),
    60_000,
  );
  assert.equal(alert.labels.level, 'secure');
  assert.equal(alert.labels.severity, 'warning');
  assert.equal(
    alert.annotations.runbook_url,
    'https://github.com/swml-guard/swml-guard/blob/main/docs/incident-response.md#emergencymodeactive',
  );
  assert.match(alert.annotations.summary ?? '', /Emergency mode "secure" is on/);
});
