// deploy/alertmanager/entrypoint.sh renders native receivers (Slack, PagerDuty, e-mail, webhook) from .env,
// every variant passes amtool and routes critical, warning and the heartbeat apart; anything that is not a
// real receiver stops it with one line (exit 78) that names the variable and never shows a secret.
// Each case runs with dash (Debian's sh) and busybox sh (the shell of the prom/alertmanager image).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReceiverError, checkReceivers } from '../../src/cli/alert-receivers.js';
import { INVALID, REAL, SMTP, VALID } from '../helpers/alert-receiver-cases.js';
import { requireBinary } from '../helpers/binaries.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TEMPLATE = join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml');
const ENTRYPOINT = join(ROOT, 'deploy', 'alertmanager', 'entrypoint.sh');
const PREFIX = 'alertmanager: ERR_SWML_ALERT_RECEIVER: ';

let amtool = '';
let shells: string[][] = [];
const dir = mkdtempSync(join(tmpdir(), 'swml-am-'));

before(() => {
  amtool = requireBinary('amtool');
  shells = [[requireBinary('sh')], [requireBinary('busybox'), 'sh']];
});
after(() => rmSync(dir, { recursive: true, force: true }));

function amtoolRun(args: string[]) {
  const result = spawnSync(amtool, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let n = 0;
/** Runs entrypoint.sh with `echo` in place of Alertmanager, so it only renders the config. */
function render(shell: string[], env: Record<string, string>, args: string[] = ['--storage.path=/tmp/x']) {
  const out = join(dir, `alertmanager-${++n}.yml`);
  const result = spawnSync(shell[0]!, [...shell.slice(1), ENTRYPOINT, ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ALERTMANAGER_TEMPLATE: TEMPLATE,
      ALERTMANAGER_CONFIG: out,
      ALERTMANAGER_BIN: 'echo',
      ...env,
    },
  });
  return { out, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Receiver {
  name: string;
  [integration: string]: unknown;
}
/** The rendered YAML, parsed (python3 and PyYAML come with Compose v1). */
function parse(file: string): { receivers: Receiver[]; templates: string[] } {
  const py = spawnSync(
    'python3',
    ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)', file],
    { encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout) as { receivers: Receiver[]; templates: string[] };
}

const integrations = (r: Receiver | undefined) =>
  Object.keys(r ?? {})
    .filter((k) => k.endsWith('_configs'))
    .map((k) => k.replace(/_configs$/, ''));

function route(config: string, labels: string[]): string {
  const { status, output } = amtoolRun(['config', 'routes', 'test', `--config.file=${config}`, ...labels]);
  assert.equal(status, 0, output);
  return output
    .split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith('Warning'))!
    .trim();
}

describe('every receiver variant renders, passes amtool and routes by severity', () => {
  for (const c of VALID) {
    test(c.name, () => {
      for (const shell of shells) {
        const { out, status, stdout, stderr } = render(shell, c.env);
        assert.equal(status, 0, `${shell.join(' ')}: ${stderr}`);
        assert.equal(
          stdout.trim(),
          `--config.file=${out} --storage.path=/tmp/x`,
          'Alertmanager started on it',
        );
        assert.equal(statSync(out).mode & 0o777, 0o600, 'the rendered file holds secrets: mode 600');
        const check = amtoolRun(['check-config', out]);
        assert.equal(check.status, 0, check.output);
        assert.match(check.output, /- 3 receivers\n - 1 templates/);

        const config = parse(out);
        const byName = new Map(config.receivers.map((r) => [r.name, r]));
        assert.deepEqual([...byName.keys()], ['critical', 'warning', 'heartbeat']);
        assert.deepEqual(integrations(byName.get('critical')), c.critical);
        assert.deepEqual(integrations(byName.get('warning')), c.warning);
        assert.deepEqual(integrations(byName.get('heartbeat')), c.heartbeat ? ['webhook'] : []);
        assert.equal(config.templates[0], join(ROOT, 'deploy', 'alertmanager', 'templates', '*.tmpl'));
        // Values land verbatim (quotes, &, ?, $ survive the YAML).
        const text = JSON.stringify(config);
        for (const [name, value] of Object.entries(c.env)) {
          if (name !== 'ALERT_SMTP_REQUIRE_TLS')
            assert.ok(text.includes(JSON.stringify(value).slice(1, -1)), name);
        }
        if (!c.heartbeat) assert.match(stderr, /WRN_SWML_NO_HEARTBEAT: ALERT_HEARTBEAT_URL is not set/);
        for (const value of Object.values(c.env)) {
          if (value.length > 8) assert.ok(!stderr.includes(value), 'no secret in the log');
        }

        const routes: [string[], string][] = [
          [['severity=critical', 'alertname=AgentDown'], 'critical'],
          [['severity=warning', 'alertname=AuthFailureSpike'], 'warning'],
          [['severity=none', 'alertname=Watchdog'], 'heartbeat'],
          [['severity=critical', 'alertname=AlertmanagerNotificationsFailing'], 'warning,critical'],
          [['alertname=Unlabelled'], 'warning'],
        ];
        for (const [labels, receiver] of routes) assert.equal(route(out, labels), receiver, labels.join(' '));
      }
    });
  }

  test('the same variant gives the same file in both shells', () => {
    const [a, b] = shells.map((shell) => render(shell, VALID[5]!.env));
    assert.equal(readFileSync(a!.out, 'utf8'), readFileSync(b!.out, 'utf8'));
  });

  test('e-mail: SMTP login, TLS requirement and the runbook link in the subject and text', () => {
    const { out } = render(shells[0]!, VALID[2]!.env);
    const email = (parse(out).receivers[0]!.email_configs as Record<string, unknown>[])[0]!;
    assert.equal(email.smarthost, SMTP.ALERT_SMTP_SMARTHOST);
    assert.equal(email.auth_password, SMTP.ALERT_SMTP_PASSWORD);
    assert.equal(email.require_tls, true);
    assert.equal(email.send_resolved, true);
    const relay = render(shells[0]!, VALID[3]!.env);
    const plain = (parse(relay.out).receivers[0]!.email_configs as Record<string, unknown>[])[0]!;
    assert.equal(plain.require_tls, false);
    assert.equal(plain.auth_username, undefined);
    const tmpl = readFileSync(join(ROOT, 'deploy', 'alertmanager', 'templates', 'swml-guard.tmpl'), 'utf8');
    assert.match(tmpl, /Runbook: \{\{ \.Annotations\.runbook_url \}\}/);
  });

  test('--check validates and says where alerts go, without writing or starting anything', () => {
    const { out, status, stdout } = render(shells[0]!, VALID[0]!.env, ['--check']);
    assert.equal(status, 0);
    assert.equal(
      stdout.trim(),
      'alert receivers OK: critical -> pagerduty; warning -> slack; heartbeat -> webhook',
    );
    assert.equal(existsSync(out), false);
  });
});

describe('anything but a real receiver stops Alertmanager with one line', () => {
  for (const c of INVALID) {
    test(c.name, () => {
      let shMessage = '';
      for (const shell of shells) {
        const { out, status, stdout, stderr } = render(shell, c.env);
        assert.equal(status, 78, `${shell.join(' ')}: ${stderr}`);
        assert.equal(stdout, '', 'Alertmanager is not started');
        assert.equal(existsSync(out), false, 'no config written');
        const lines = stderr.trim().split('\n');
        assert.equal(lines.length, 1, stderr);
        assert.ok(lines[0]!.startsWith(PREFIX + c.message), `${shell.join(' ')}: ${stderr}`);
        for (const value of Object.values(c.env)) {
          if (value.length > 8 && !/\.(invalid|example\.com)\b/.test(value))
            assert.ok(!stderr.includes(value), `${c.name}: the value is not shown`);
        }
        shMessage = lines[0]!
          .slice(PREFIX.length)
          .replace(/ \(see docs\/observability\.md, "Where alerts go"\)$/, '');
      }
      // doctor and `secret --env` (src/cli/alert-receivers.ts) judge the same way, in the same words.
      assert.throws(
        () => checkReceivers(c.env),
        (err: unknown) => {
          assert.ok(err instanceof ReceiverError);
          assert.equal(err.message, shMessage);
          return true;
        },
      );
    });
  }

  test('and the TypeScript judge accepts every valid variant the script accepts', () => {
    for (const c of VALID) {
      assert.deepEqual(
        checkReceivers(c.env),
        { critical: c.critical, warning: c.warning, heartbeat: c.heartbeat },
        c.name,
      );
    }
    assert.ok(REAL.pagerduty.length === 32);
  });
});
