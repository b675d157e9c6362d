// A real agent, Prometheus (1 s scrape, the project's rules) and Alertmanager on 127.0.0.1: every dashboard
// and rule query returns data, every rule is healthy, and an alert reaches a webhook receiver.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { ROOT, freePort, startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';

const RULES_DIR = join(ROOT, 'deploy', 'prometheus', 'rules');
const DASHBOARDS_DIR = join(ROOT, 'grafana', 'dashboards');
const DATA_WAIT_MS = 30_000;

/** Values for Grafana's variables when a dashboard query is run directly against Prometheus. */
const GRAFANA_VARIABLES: Record<string, string> = {
  $__rate_interval: '1m',
  $__range: '1h',
  $function: '.+',
};

interface WebhookMessage {
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}
interface PromVector {
  metric: Record<string, string>;
  value: [number, string];
}
interface PromRule {
  name: string;
  type: 'alerting' | 'recording';
  query: string;
  health: string;
  lastError?: string;
}

const children: ChildProcess[] = [];
const tmpDirs: string[] = [];
const received: WebhookMessage[] = [];
let receiver: Server | undefined;
let agent: AgentProcess | undefined;
let promUrl = '';

function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/** Alertmanager is `alertmanager` upstream and `prometheus-alertmanager` in Debian. */
function alertmanagerBinary(): string {
  try {
    return requireBinary('alertmanager');
  } catch (err) {
    try {
      return requireBinary('prometheus-alertmanager');
    } catch {
      throw err;
    }
  }
}

function startProcess(bin: string, args: string[], logs: string[]): ChildProcess {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => logs.push(chunk.toString('utf8'));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  children.push(child);
  return child;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = DATA_WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

async function promQuery(expr: string): Promise<PromVector[]> {
  const res = await fetch(`${promUrl}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }).toString(),
  });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (body.status !== 'success') throw new Error(`query failed: ${expr}: ${body.error ?? res.status}`);
  if (body.data?.resultType === 'scalar')
    return [{ metric: {}, value: body.data.result as [number, string] }];
  return body.data?.result as PromVector[];
}

async function promRules(): Promise<PromRule[]> {
  const res = await fetch(`${promUrl}/api/v1/rules`);
  const body = (await res.json()) as { data: { groups: { name: string; rules: PromRule[] }[] } };
  return body.data.groups.flatMap((g) => g.rules);
}

/** Rule names declared in the project's rule files. */
function declaredRules(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml'))) {
    for (const m of readFileSync(join(RULES_DIR, file), 'utf8').matchAll(
      /^\s+- (?:alert|record): (\S+)$/gm,
    )) {
      names.add(m[1]!);
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

async function startReceiver(): Promise<string> {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookMessage);
      } catch {
        // not JSON: ignored, the assertion below looks for a well-formed notification
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  assert.ok(address && typeof address === 'object');
  return `http://127.0.0.1:${address.port}/alerts?key=a&b=c`;
}

/** Renders the real alertmanager.yml through entrypoint.sh, with group_wait shortened for the test. */
function renderAlertmanagerConfig(webhookUrl: string, dir: string): string {
  const out = join(dir, 'alertmanager.yml');
  const result = spawnSync('sh', [join(ROOT, 'deploy', 'alertmanager', 'entrypoint.sh')], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ALERTMANAGER_WEBHOOK_URL: webhookUrl,
      ALERTMANAGER_TEMPLATE: join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml'),
      ALERTMANAGER_CONFIG: out,
      ALERTMANAGER_BIN: 'true',
    },
  });
  assert.equal(result.status, 0, result.stderr);
  const config = readFileSync(out, 'utf8');
  assert.ok(config.includes(`url: '${webhookUrl}'`), 'rendered config carries the webhook URL');
  writeFileSync(out, config.replace(/group_wait: \w+/g, 'group_wait: 1s'));
  return out;
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
  const prometheusBin = requireBinary('prometheus');
  const alertmanagerBin = alertmanagerBinary();
  requireBinary('sh');

  const webhookUrl = await startReceiver();
  agent = await startAgentProcess({
    env: {
      LOG_LEVEL: 'warn',
      SWML_CALLER_CALL_LIMIT: '2',
      SWML_CALLER_FUNCTION_LIMIT: '3',
      SWML_AUTH_FAILURE_LIMIT: '3',
    },
  });

  const amDir = tmp('swml-am-');
  const amPort = await freePort();
  const amLogs: string[] = [];
  startProcess(
    alertmanagerBin,
    [
      `--config.file=${renderAlertmanagerConfig(webhookUrl, amDir)}`,
      `--storage.path=${join(amDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
    ],
    amLogs,
  );
  await waitFor(`Alertmanager ready (${amLogs.join('')})`, async () =>
    (await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined,
  );

  const promDir = tmp('swml-prom-');
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'rule_files:',
    `  - ${JSON.stringify(join(RULES_DIR, '*.yml'))}`,
    'alerting:',
    '  alertmanagers:',
    `    - static_configs: [{ targets: ['127.0.0.1:${amPort}'] }]`,
    'scrape_configs:',
    '  - job_name: swml-agent',
    `    static_configs: [{ targets: ['127.0.0.1:${agent.metricsPort}'] }]`,
    '  - job_name: prometheus',
    `    static_configs: [{ targets: ['127.0.0.1:${promPort}'] }]`,
    '  - job_name: alertmanager',
    `    static_configs: [{ targets: ['127.0.0.1:${amPort}'] }]`,
    '',
  ].join('\n');
  writeFileSync(join(promDir, 'prometheus.yml'), config);
  const promLogs: string[] = [];
  startProcess(
    prometheusBin,
    [
      `--config.file=${join(promDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(promDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    promLogs,
  );
  await waitFor(`Prometheus ready (${promLogs.join('').slice(-2000)})`, async () =>
    (await fetch(`${promUrl}/-/ready`)).ok ? true : undefined,
  );

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
  for (const child of children.reverse()) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

test('every rule of the project is loaded and evaluates without error', async () => {
  const expected = declaredRules();
  assert.ok(expected.size >= 30, 'rule files parsed');
  const rules = await waitFor('every rule evaluated with health ok', async () => {
    const all = await promRules();
    return all.length === expected.size && all.every((r) => r.health === 'ok') ? all : undefined;
  }).catch(async (err: unknown) => {
    const bad = (await promRules())
      .filter((r) => r.health !== 'ok')
      .map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`);
    throw new Error(`${String(err)}\n${bad.join('\n')}`);
  });
  assert.deepEqual(new Set(rules.map((r) => r.name)), expected);
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
  const alert = await waitFor('EmergencyModeActive at the webhook', () =>
    Promise.resolve(
      received
        .flatMap((m) => m.alerts)
        .find((a) => a.labels.alertname === 'EmergencyModeActive' && a.status === 'firing'),
    ),
  );
  assert.equal(alert.labels.level, 'secure');
  assert.equal(alert.labels.severity, 'warning');
  assert.equal(
    alert.annotations.runbook_url,
    'https://github.com/swml-guard/swml-guard/blob/main/docs/incident-response.md#emergencymodeactive',
  );
  assert.match(alert.annotations.summary ?? '', /Emergency mode "secure" is on/);
});
