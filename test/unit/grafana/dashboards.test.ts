// The committed Grafana dashboards match their TypeScript sources, and every panel is usable on call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARDS_DIR, renderDashboards, staleDashboards } from '../../../grafana/src/generate.js';

const PROMETHEUS_UID = 'swml-prometheus';
const EXPECTED_UIDS: Record<string, string> = {
  'security-overview.json': 'swml-security-overview',
  'function-calls.json': 'swml-function-calls',
  'traffic-health.json': 'swml-traffic-health',
};

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  interval?: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
  gridPos?: { x: number; y: number; w: number; h: number };
}
interface DashboardJson {
  uid: string;
  title: string;
  tags?: string[];
  panels: Panel[];
}

function committed(): Map<string, DashboardJson> {
  const out = new Map<string, DashboardJson>();
  for (const file of readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    out.set(file, JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as DashboardJson);
  }
  return out;
}

test('committed dashboard JSON equals the output of `npm run dashboards`', () => {
  assert.deepEqual(staleDashboards(), [], 'run `npm run dashboards` and commit grafana/dashboards');
  assert.deepEqual([...committed().keys()].sort(), [...renderDashboards().keys()].sort());
});

test('the staleness check notices an edited or missing file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swml-dashboards-'));
  try {
    for (const [file, json] of renderDashboards()) writeFileSync(join(dir, file), json);
    assert.deepEqual(staleDashboards(dir), []);
    writeFileSync(join(dir, 'traffic-health.json'), '{}\n');
    rmSync(join(dir, 'function-calls.json'));
    assert.deepEqual(staleDashboards(dir).sort(), ['function-calls.json', 'traffic-health.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dashboard uids are fixed and the dashboards share the swml-guard tag', () => {
  const dashboards = committed();
  assert.deepEqual([...dashboards.keys()].sort(), Object.keys(EXPECTED_UIDS).sort());
  for (const [file, dashboard] of dashboards) {
    assert.equal(dashboard.uid, EXPECTED_UIDS[file], file);
    assert.ok(dashboard.tags?.includes('swml-guard'), `${file} has the swml-guard tag`);
  }
});

test('every panel has a title, a description, a unit and the Prometheus datasource by uid', () => {
  for (const [file, dashboard] of committed()) {
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    assert.ok(panels.length >= 6, `${file} has panels`);
    const ids = new Set<number>();
    for (const panel of dashboard.panels) {
      assert.equal(typeof panel.id, 'number', `${file}: panel "${panel.title}" has an id`);
      assert.ok(!ids.has(panel.id!), `${file}: panel id ${panel.id} is unique`);
      ids.add(panel.id!);
    }
    for (const panel of panels) {
      const where = `${file}: panel "${panel.title ?? '(untitled)'}"`;
      assert.ok(panel.title && panel.title.trim().length > 0, `${where} has a title`);
      assert.ok(
        panel.description && panel.description.length >= 40,
        `${where} has a description for on-call`,
      );
      assert.ok(panel.fieldConfig?.defaults?.unit, `${where} has a unit`);
      assert.deepEqual(panel.datasource, { type: 'prometheus', uid: PROMETHEUS_UID }, `${where} datasource`);
      assert.ok(panel.targets && panel.targets.length > 0, `${where} has queries`);
      for (const target of panel.targets) {
        assert.ok(target.expr && target.expr.trim().length > 0, `${where} query ${target.refId} has an expr`);
        assert.equal(target.datasource?.uid, PROMETHEUS_UID, `${where} query ${target.refId} datasource uid`);
      }
      const pos = panel.gridPos!;
      assert.ok(
        pos.x >= 0 && pos.w > 0 && pos.x + pos.w <= 24 && pos.h > 0,
        `${where} fits the 24-column grid`,
      );
    }
  }
});

test('the security overview shows the firing alerts', () => {
  const security = committed().get('security-overview.json')!;
  const exprs = security.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
  assert.ok(
    exprs.some((e) => /ALERTS\{alertstate="firing", alertname!="Watchdog"\}/.test(e)),
    'a panel queries the firing alerts (the always-firing Watchdog left out)',
  );
  for (const e of exprs.filter(
    (x) => x.includes('alertstate="firing"') && !x.includes('alertname="Watchdog"'),
  ))
    assert.match(e, /alertname!="Watchdog"/, `${e}: the heartbeat is not an incident`);
  for (const metric of [
    'swml_auth_failures_total',
    'swml_rate_limited_total',
    'swml_security_events_total',
    'swml_emergency_mode',
  ]) {
    assert.ok(
      exprs.some((e) => e.includes(metric)),
      `security overview shows ${metric}`,
    );
  }
});

test('provisioning files name the datasource uids and the dashboard folder the JSON uses', () => {
  const root = join(DASHBOARDS_DIR, '..', 'provisioning');
  const datasources = readFileSync(join(root, 'datasources', 'datasources.yml'), 'utf8');
  assert.match(datasources, /uid: swml-prometheus\n(.*\n)*?\s+url: http:\/\/prometheus:9090/);
  assert.match(datasources, /uid: swml-alertmanager\n(.*\n)*?\s+url: http:\/\/alertmanager:9093/);
  assert.match(datasources, /implementation: prometheus/);
  const providers = readFileSync(join(root, 'dashboards', 'dashboards.yml'), 'utf8');
  assert.match(providers, /folder: swml-guard/);
  assert.match(providers, /type: file/);
  assert.match(providers, /path: \/var\/lib\/grafana\/dashboards/);
});

test('low traffic: HTTP panels leave health probes out (or show only them), graphs step at least 2 minutes', () => {
  for (const [file, dashboard] of committed()) {
    for (const panel of dashboard.panels) {
      const where = `${file}: panel "${panel.title ?? ''}"`;
      for (const { expr = '' } of panel.targets ?? []) {
        if (!/swml_http_request_duration_seconds_(count|bucket)/.test(expr)) continue;
        assert.match(expr, /route(!~|=~)"\/health\|\/ready"/, `${where}: ${expr} separates the probes`);
      }
      if (panel.type === 'timeseries') assert.equal(panel.interval, '2m', `${where}: minimum interval`);
    }
  }
  const traffic = committed().get('traffic-health.json')!;
  assert.ok(
    traffic.panels.some(
      (p) => p.type === 'stat' && (p.targets ?? []).some((t) => /\[1h\]\)\)$/.test(t.expr ?? '')),
    ),
    'counts over the last hour as stat panels',
  );
});
