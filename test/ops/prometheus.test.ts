// Prometheus config, rules and alert tests pass promtool, and every SPEC 11 alert is complete and tested.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary } from '../helpers/binaries.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROM_DIR = join(ROOT, 'deploy', 'prometheus');
const RULES_DIR = join(PROM_DIR, 'rules');
const TESTS_DIR = join(PROM_DIR, 'tests');

/** SPEC section 11, in order. */
const ALERTS = [
  'AgentDown',
  'AuthFailureSpike',
  'TokenRejections',
  'HighFunctionCallRate',
  'UnusualCallVolume',
  'LargeTransactionAttempts',
  'AfterHoursActivity',
  'CallLimitHits',
  'EmergencyModeActive',
  'HighErrorRate',
  'SlowFunctions',
];

/** Host alerts from node-exporter (rules/host.yml, tests/host.yml): beyond SPEC 11, same conventions. */
const HOST_ALERTS = ['HostDiskFilling', 'HostDiskFull', 'HostMetricsMissing'];

let promtool = '';

before(() => {
  promtool = requireBinary('promtool');
});

function ymlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

function run(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(promtool, args, { encoding: 'utf8', cwd: ROOT });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Each `- alert:` block of the rule files, as text (the rule files are plain YAML lists). */
function alertBlocks(): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const file of ymlFiles(RULES_DIR)) {
    const text = readFileSync(file, 'utf8');
    const parts = text.split(/^\s+- (?=alert:|record:)/m).slice(1);
    for (const part of parts) {
      const name = /^alert: (\w+)/.exec(part)?.[1];
      if (name) blocks.set(name, part);
    }
  }
  return blocks;
}

test('promtool check config accepts prometheus.yml and finds the rule files', () => {
  const { status, output } = run(['check', 'config', join(PROM_DIR, 'prometheus.yml')]);
  assert.equal(status, 0, output);
  const found = /SUCCESS: (\d+) rule files found/.exec(output);
  assert.ok(found, output);
  assert.equal(Number(found[1]), ymlFiles(RULES_DIR).length, output);
});

test('prometheus.yml discovers every agent replica on port 9464 and alerts through alertmanager:9093', () => {
  const config = readFileSync(join(PROM_DIR, 'prometheus.yml'), 'utf8');
  assert.match(
    config,
    /job_name: swml-agent\n(.*\n)*?\s+dns_sd_configs:\n\s+- names: \['agent'\]\n\s+type: A\n\s+port: 9464/,
  );
  assert.match(config, /job_name: prometheus\n/);
  assert.match(config, /job_name: alertmanager\n/);
  assert.match(config, /targets: \['alertmanager:9093'\]/);
  assert.match(config, /rule_files:\n\s+- rules\/\*\.yml/);
});

test('promtool check rules accepts every rule file', () => {
  const { status, output } = run(['check', 'rules', ...ymlFiles(RULES_DIR)]);
  assert.equal(status, 0, output);
});

test('promtool test rules passes for every test file', () => {
  const files = ymlFiles(TESTS_DIR);
  assert.ok(files.length >= 1);
  const { status, output } = run(['test', 'rules', ...files]);
  assert.equal(status, 0, output);
});

test('promtool test rules fails when an alert no longer behaves as tested', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swml-rules-'));
  try {
    cpSync(RULES_DIR, join(dir, 'rules'), { recursive: true });
    cpSync(TESTS_DIR, join(dir, 'tests'), { recursive: true });
    const alerts = join(dir, 'rules', 'alerts.yml');
    const text = readFileSync(alerts, 'utf8');
    const broken = text.replace(
      'expr: max by (level) (swml_emergency_mode) == 1',
      'expr: max by (level) (swml_emergency_mode) == 2',
    );
    assert.notEqual(broken, text, 'the mutation applies');
    writeFileSync(alerts, broken);
    const { status, output } = run(['test', 'rules', join(dir, 'tests', 'security.yml')]);
    assert.notEqual(status, 0, output);
    assert.match(output, /EmergencyModeActive/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every SPEC 11 alert exists with severity, summary, description and a runbook section', () => {
  const blocks = alertBlocks();
  assert.deepEqual([...blocks.keys()].sort(), [...ALERTS, ...HOST_ALERTS].sort());
  const runbook = readFileSync(join(ROOT, 'docs', 'incident-response.md'), 'utf8');
  const anchors = new Set(
    [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    ),
  );
  for (const [name, block] of blocks) {
    assert.match(block, /\n\s+severity: (critical|warning)\n/, `${name} has severity critical or warning`);
    assert.match(block, /\n\s+summary: \S/, `${name} has a summary`);
    assert.match(block, /\n\s+description: \S/, `${name} has a description`);
    const url = /\n\s+runbook_url: docs\/incident-response\.md#([\w-]+)\n/.exec(block);
    assert.ok(url, `${name} has a runbook_url into docs/incident-response.md`);
    assert.equal(url[1], name.toLowerCase(), `${name} runbook anchor`);
    assert.ok(anchors.has(url[1]), `docs/incident-response.md has a section #${url[1]}`);
  }
});

test('every alert has a promtool case that fires and one that stays quiet', () => {
  const fires = new Set<string>();
  const quiet = new Set<string>();
  for (const file of ymlFiles(TESTS_DIR)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/alertname: (\w+)\n\s+exp_alerts:( \[\])?/g)) {
      (m[2] ? quiet : fires).add(m[1]!);
    }
  }
  for (const name of [...ALERTS, ...HOST_ALERTS]) {
    assert.ok(fires.has(name), `${name} has a case where it fires`);
    assert.ok(quiet.has(name), `${name} has a case where it stays quiet`);
  }
});
