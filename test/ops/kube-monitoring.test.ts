// Prometheus Operator and Grafana objects: the ServiceMonitor scrapes the internal port under the job the
// rules query; the PrometheusRules hold exactly the rules of deploy/prometheus/rules/ (and promtool loads
// them); the dashboard ConfigMaps hold grafana/dashboards/*.json byte for byte, with their datasource.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/agent-process.js';
import { requireBinary } from '../helpers/binaries.js';
import { OVERLAYS, all, one, overlay, selects } from '../helpers/kube.js';
import { clusterRuleFiles } from '../../deploy/scripts/kube-generate.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- rendered manifests */
const RULES_DIR = join(ROOT, 'deploy', 'prometheus', 'rules');
const DASHBOARDS_DIR = join(ROOT, 'grafana', 'dashboards');
const ruleFiles = () => clusterRuleFiles();
const dashboardFiles = () =>
  readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();

/** Every `datasource.uid` anywhere in a dashboard (panels, targets, variables). */
function datasourceUids(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) datasourceUids(n, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'datasource' && typeof (value as { uid?: unknown })?.uid === 'string') {
        out.add((value as { uid: string }).uid);
      } else datasourceUids(value, out);
    }
  }
  return out;
}

let promtool = '';
before(() => {
  promtool = requireBinary('promtool');
});

for (const name of OVERLAYS) {
  const objects = () => overlay(name);

  test(`${name}: the ServiceMonitor scrapes the internal Service only, as job "swml-agent" like the rules`, () => {
    const sm = one(objects(), 'ServiceMonitor', 'swml-agent');
    const matched = all(objects(), 'Service').filter((s) => selects(sm.spec.selector, s.metadata.labels));
    assert.deepEqual(
      matched.map((s) => s.metadata.name),
      ['swml-agent-internal'],
    );
    const [endpoint, ...more] = sm.spec.endpoints;
    assert.equal(more.length, 0);
    assert.equal(endpoint.port, 'metrics');
    assert.equal(endpoint.path, '/metrics');
    const job = matched[0]!.metadata.labels?.[sm.spec.jobLabel];
    const jobsInRules = new Set(
      ruleFiles().flatMap((f) =>
        [...readFileSync(join(RULES_DIR, f), 'utf8').matchAll(/job="([^"]+)"/g)].map((m) => m[1]),
      ),
    );
    assert.deepEqual([...jobsInRules], [job], 'every job= matcher in the rules names the scraped job');
  });

  test(`${name}: the PrometheusRules hold exactly the groups of deploy/prometheus/rules/*.yml`, () => {
    const rules = all(objects(), 'PrometheusRule');
    const byName = new Map(rules.map((r) => [r.metadata.name, r]));
    assert.equal(rules.length, ruleFiles().length, 'one PrometheusRule per rule file');
    for (const file of ruleFiles()) {
      const source = parse(readFileSync(join(RULES_DIR, file), 'utf8')) as { groups: unknown };
      const rule = byName.get(`swml-guard-${file.replace(/\.yml$/, '')}`);
      assert.ok(rule, `no PrometheusRule for ${file}`);
      assert.deepEqual(rule.spec.groups, source.groups, `${file} and its PrometheusRule differ`);
    }
  });

  test(`${name}: the operator's objects carry the label kube-prometheus-stack selects them by`, () => {
    for (const o of [...all(objects(), 'ServiceMonitor'), ...all(objects(), 'PrometheusRule')]) {
      assert.ok(o.metadata.labels?.release, `${o.kind} ${o.metadata.name} has no release label`);
    }
  });

  test(`${name}: one sidecar ConfigMap per dashboard, holding the committed JSON byte for byte`, () => {
    const maps = all(objects(), 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    const held = new Map(maps.flatMap((c) => Object.entries(c.data ?? {})));
    assert.deepEqual([...held.keys()].sort(), dashboardFiles());
    for (const file of dashboardFiles()) {
      assert.equal(held.get(file), readFileSync(join(DASHBOARDS_DIR, file), 'utf8'), file);
      // kubectl apply (client-side) keeps a copy in an annotation limited to 256 KiB.
      assert.ok(Buffer.byteLength(held.get(file)!) < 200 * 1024, `${file} is too big for one ConfigMap`);
    }
    for (const c of maps) assert.equal(c.metadata.annotations?.grafana_folder, 'swml-guard');
  });

  test(`${name}: the sidecar datasource has the uid every dashboard panel queries`, () => {
    const ds = all(objects(), 'ConfigMap').filter((c) => c.metadata.labels?.grafana_datasource === '1');
    assert.equal(ds.length, 1);
    const provisioned = Object.values(ds[0]!.data!).map((t) => parse(t) as { datasources: any[] });
    const uids = new Set(provisioned.flatMap((p) => p.datasources.map((d) => d.uid)));
    for (const file of dashboardFiles()) {
      const used = datasourceUids(JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')));
      assert.ok(used.size > 0, `${file} names no datasource`);
      for (const uid of used) assert.ok(uids.has(uid), `${file} queries datasource ${uid}`);
    }
  });
}

test('promtool loads the PrometheusRules as the operator hands them to Prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swml-kube-rules-'));
  try {
    const files = all(overlay(OVERLAYS[0]!), 'PrometheusRule').map((r) => {
      const file = join(dir, `${r.metadata.name}.json`);
      writeFileSync(file, JSON.stringify({ groups: r.spec.groups }));
      return file;
    });
    const result = spawnSync(promtool, ['check', 'rules', ...files], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
