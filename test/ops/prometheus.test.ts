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

/** SPEC section 11, in order, then the alerts of issue 12 (detection at low traffic, the pipeline itself). */
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
  'SharedStateDown',
  'NoCallsDuringBusinessHours',
  'Watchdog',
  'AlertmanagerNotificationsFailing',
];

/** Host alerts from node-exporter (rules/host.yml, tests/host.yml): beyond SPEC 11, same conventions. */
const HOST_ALERTS = ['HostDiskFilling', 'HostDiskFull', 'HostMetricsMissing'];

/** Always firing by design (the dead man's switch heartbeat): it has no quiet case and no page severity. */
const HEARTBEAT = 'Watchdog';

/** package.json's repository, as a browsable https URL (git+https://github.com/o/r.git -> https://github.com/o/r). */
function repositoryUrl(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    repository?: { url?: string };
  };
  const url = pkg.repository?.url ?? '';
  assert.match(
    url,
    /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/,
    'package.json has a GitHub repository',
  );
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}

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

/** Each `- alert:` block of the rule files, as text (the rule files are plain YAML lists); one alert name may
 * have several rules (AgentDown: critical when all replicas are down, warning for one of N). */
function alertBlocks(): [string, string][] {
  const blocks: [string, string][] = [];
  for (const file of ymlFiles(RULES_DIR)) {
    const text = readFileSync(file, 'utf8');
    const parts = text.split(/^\s+- (?=alert:|record:)/m).slice(1);
    for (const part of parts) {
      const name = /^alert: (\w+)/.exec(part)?.[1];
      if (name) blocks.push([name, part.split(/^ {2}- name:/m)[0]!]);
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

test('every alert exists with severity, summary, description and an absolute runbook_url to its section', () => {
  const blocks = alertBlocks();
  assert.deepEqual([...new Set(blocks.map(([name]) => name))].sort(), [...ALERTS, ...HOST_ALERTS].sort());
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
  // RUNBOOK_BASE_URL (external label) or, by default, the docs folder of the public repository.
  const fallback = `${repositoryUrl()}/blob/main/docs`;
  const template = `'{{ or $externalLabels.runbook_base_url "${fallback}" }}/incident-response.md#`;
  for (const [name, block] of blocks) {
    const severity = name === HEARTBEAT ? 'none' : '(critical|warning)';
    assert.match(block, new RegExp(`\\n\\s+severity: ${severity}\\n`), `${name} has severity ${severity}`);
    assert.match(block, /\n\s+summary: \S/, `${name} has a summary`);
    assert.match(block, /\n\s+description: \S/, `${name} has a description`);
    const line = /\n\s+runbook_url: (.+)\n/.exec(block)?.[1] ?? '';
    assert.ok(line.startsWith(template), `${name}: runbook_url is ${template}<anchor>', got ${line}`);
    const anchor = line.slice(template.length, -1);
    assert.equal(anchor, name.toLowerCase(), `${name} runbook anchor`);
    assert.ok(anchors.has(anchor), `docs/incident-response.md has a section #${anchor}`);
    assert.ok(new URL(`${fallback}/incident-response.md#${anchor}`).protocol === 'https:', 'absolute https');
  }
});

test('prometheus.yml passes RUNBOOK_BASE_URL to the rules as an external label', () => {
  const config = readFileSync(join(PROM_DIR, 'prometheus.yml'), 'utf8');
  assert.match(config, /external_labels:\n\s+runbook_base_url: \$\{RUNBOOK_BASE_URL\}\n/);
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
    if (name !== HEARTBEAT) assert.ok(quiet.has(name), `${name} has a case where it stays quiet`);
  }
});
