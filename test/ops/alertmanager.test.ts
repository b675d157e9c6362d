// Alertmanager config passes amtool, routes by severity, and gets its webhook URL from the environment.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary } from '../helpers/binaries.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml');
const ENTRYPOINT = join(ROOT, 'deploy', 'alertmanager', 'entrypoint.sh');
const PLACEHOLDER = 'http://alertmanager-webhook.invalid/swml-guard';

let amtool = '';

before(() => {
  amtool = requireBinary('amtool');
});

function amtoolRun(args: string[]) {
  const result = spawnSync(amtool, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Runs entrypoint.sh with `echo` in place of Alertmanager, so it only renders the config. */
function render(url: string | undefined, out: string) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ALERTMANAGER_TEMPLATE: CONFIG,
    ALERTMANAGER_CONFIG: out,
    ALERTMANAGER_BIN: 'echo',
  };
  if (url !== undefined) env.ALERTMANAGER_WEBHOOK_URL = url;
  const result = spawnSync('sh', [ENTRYPOINT, '--storage.path=/tmp/x'], { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('amtool check-config accepts alertmanager.yml', () => {
  const { status, output } = amtoolRun(['check-config', CONFIG]);
  assert.equal(status, 0, output);
  assert.match(output, /SUCCESS/);
});

test('alerts are routed by severity', () => {
  const cases: [string[], string][] = [
    [['severity=critical', 'alertname=AgentDown'], 'webhook-critical'],
    [['severity=warning', 'alertname=AuthFailureSpike'], 'webhook'],
    [['alertname=Unlabelled'], 'webhook'],
  ];
  for (const [labels, receiver] of cases) {
    const { status, output } = amtoolRun(['config', 'routes', 'test', `--config.file=${CONFIG}`, ...labels]);
    assert.equal(status, 0, output);
    assert.equal(
      output
        .split('\n')
        .find((l) => !l.startsWith('Warning'))
        ?.trim(),
      receiver,
      labels.join(' '),
    );
  }
});

test('entrypoint.sh puts the webhook URL from the environment into every receiver, verbatim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swml-am-'));
  try {
    const out = join(dir, 'alertmanager.yml');
    const url = 'https://hooks.example.com/services/T0/B1?token=a&b=c\\d%27e';
    const { status, stdout, stderr } = render(url, out);
    assert.equal(status, 0, stderr);
    assert.equal(stdout.trim(), `--config.file=${out} --storage.path=/tmp/x`);
    const rendered = readFileSync(out, 'utf8');
    assert.ok(!rendered.includes(PLACEHOLDER), 'placeholder replaced');
    assert.equal(rendered.split(`url: '${url}'`).length - 1, 2, 'both receivers carry the URL');
    const check = amtoolRun(['check-config', out]);
    assert.equal(check.status, 0, check.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('entrypoint.sh terminates when the URL itself contains the placeholder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swml-am-'));
  try {
    const out = join(dir, 'alertmanager.yml');
    const url = `${PLACEHOLDER}/again`;
    const env = {
      ...process.env,
      ALERTMANAGER_TEMPLATE: CONFIG,
      ALERTMANAGER_CONFIG: out,
      ALERTMANAGER_BIN: 'echo',
      ALERTMANAGER_WEBHOOK_URL: url,
    };
    const result = spawnSync('sh', [ENTRYPOINT], { encoding: 'utf8', env, timeout: 5000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(out, 'utf8').split(`url: '${url}'`).length - 1, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('entrypoint.sh refuses to start without a usable webhook URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swml-am-'));
  try {
    const out = join(dir, 'alertmanager.yml');
    for (const url of [undefined, '', 'hooks.example.com/x', "https://x/'); drop", 'https://x/a\nb']) {
      const { status, stdout, stderr } = render(url, out);
      assert.equal(status, 78, `${JSON.stringify(url)}: ${stderr}`);
      assert.match(stderr, /ALERTMANAGER_WEBHOOK_URL/);
      assert.equal(stdout, '', 'Alertmanager is not started');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
