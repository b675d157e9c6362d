// The deployment kit, checked statically: compose files (Compose v1 `config`), Caddyfile (caddy validate/adapt),
// the agent's Dockerfile, deploy/init.sh, and .env.example. No engine needed; the live stack is ci-compose.sh.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/agent-process.js';
import { ALERT_VARS } from '../../src/cli/alert-receivers.js';
import { requireBinary, requireCurrentCaddy } from '../helpers/binaries.js';
import {
  COMPOSE,
  ENV,
  PROXY,
  compose,
  model,
  networksOf,
  published,
  run,
  yamlToJson,
  type ComposeModel,
  type Service,
} from '../helpers/compose.js';
import { ENV_NAMES } from '../../src/config/options.js';
import { ERRORS } from '../../src/http/errors.js';
import { LOG_LIMITS } from '../../src/observability/limits.js';
import { AGGREGATION } from '../../src/observability/refusal-aggregator.js';

const CADDYFILE = join(ROOT, 'caddy', 'Caddyfile');
const INIT = join(ROOT, 'deploy', 'init.sh');

/** Alert receivers: optional for compose (empty = unset), checked by Alertmanager's entrypoint at start. */
const ALERT_ENV: Record<string, string> = {
  ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY: 'e93facc04764012d7bfb002500d5d1a6',
  ALERT_WARNING_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0TEST/B0TEST/testwebhooktoken',
  ALERT_HEARTBEAT_URL: 'https://hc-ping.com/test-heartbeat-uuid',
  RUNBOOK_BASE_URL: 'https://wiki.acme.io/swml-guard/docs',
};

let dockerCompose = '';
let caddy = '';
let currentCaddy = '';

before(() => {
  dockerCompose = requireBinary('docker-compose');
  caddy = requireBinary('caddy');
  currentCaddy = requireCurrentCaddy();
  requireBinary('openssl');
});

/** KEY=value lines of an env file (comments skipped, surrounding single quotes kept as written). */
function readEnv(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('docker-compose.yml', () => {
  test('is valid for Compose v1 and has no top-level name (v1 rejects it)', () => {
    const out = compose([COMPOSE], ENV, ['config', '-q']);
    assert.equal(out.status, 0, out.output);
    assert.doesNotMatch(readFileSync(COMPOSE, 'utf8'), /^name:/m);
  });

  test('has the services of SPEC 13, redis only under the scale profile', () => {
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    assert.deepEqual(Object.keys(m.services).sort(), [
      'agent',
      'alertmanager',
      'caddy',
      'grafana',
      'node-exporter',
      'prometheus',
      'redis',
    ]);
    assert.deepEqual(m.services.redis?.profiles, ['scale']);
    for (const [name, s] of Object.entries(m.services)) {
      if (name !== 'redis') assert.equal(s.profiles, undefined, `${name} must start without a profile`);
    }
  });

  test('only Caddy publishes ports: 80 and 443 over TCP (no UDP: HTTP/3 is off)', () => {
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    for (const [name, s] of Object.entries(m.services)) {
      if (name === 'caddy') continue;
      assert.deepEqual(published(s), [], `${name} must not publish ports`);
    }
    const ports = published(m.services.caddy!).map((p) => p.replace(/^:/, ''));
    assert.deepEqual(ports.sort(), ['443:443/tcp', '80:80/tcp']);
  });

  test('Caddy keeps /data and /config in named volumes and reads the repo Caddyfile', () => {
    const m = model([COMPOSE]);
    const vols = m.services.caddy?.volumes ?? [];
    assert.ok(vols.includes('caddy_data:/data:rw') || vols.includes('caddy_data:/data'), vols.join(', '));
    assert.ok(
      vols.includes('caddy_config:/config:rw') || vols.includes('caddy_config:/config'),
      vols.join(', '),
    );
    assert.ok(
      vols.some((v) => v.endsWith('/caddy/Caddyfile:/etc/caddy/Caddyfile:ro')),
      vols.join(', '),
    );
    assert.ok(m.volumes && 'caddy_data' in m.volumes && 'caddy_config' in m.volumes);
  });

  test('the agent is hardened: non-root, read-only root, tmpfs, init, no new privileges, no capabilities', () => {
    const agent = model([COMPOSE]).services.agent!;
    assert.equal(agent.read_only, true);
    assert.deepEqual([agent.tmpfs].flat(), ['/tmp']);
    assert.equal(agent.init, true);
    assert.deepEqual(agent.cap_drop, ['ALL']);
    assert.ok(agent.security_opt?.includes('no-new-privileges:true'), String(agent.security_opt));
    assert.match(agent.user ?? '', /^[1-9]\d*:[1-9]\d*$/, 'a numeric non-root uid:gid');
    assert.ok(agent.build, 'built from deploy/Dockerfile');
  });

  test('the agent trusts one proxy hop (Caddy), builds https URLs from the domain, exposes metrics inside only', () => {
    const env = model([COMPOSE]).services.agent!.environment ?? {};
    assert.equal(env.NODE_ENV, 'production');
    assert.equal(env.SWML_TRUST_PROXY, '1');
    assert.equal(env.SWML_PROXY_URL_BASE, 'https://agent.example.com');
    assert.equal(env.METRICS_HOST, 'agent-metrics', 'its own address on the metrics network (see below)');
    assert.equal(env.METRICS_PORT, '9464');
    assert.equal(env.PORT, '3000');
    assert.equal(env.SWML_BASIC_AUTH_PASSWORD, ENV.SWML_BASIC_AUTH_PASSWORD);
    assert.equal(env.SWML_TOKEN_SECRET, ENV.SWML_TOKEN_SECRET);
    // Least privilege: other services' secrets never reach the agent.
    const withAlerts = model([COMPOSE], { ...ENV, ...ALERT_ENV }).services.agent!.environment ?? {};
    for (const v of Object.values(withAlerts)) {
      assert.notEqual(v, ENV.GRAFANA_ADMIN_PASSWORD);
      for (const secret of Object.values(ALERT_ENV)) assert.notEqual(v, secret);
    }
  });

  test('healthchecks on every long-running service but Caddy; the agent is checked on /health', () => {
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    for (const name of ['agent', 'prometheus', 'alertmanager', 'grafana', 'redis']) {
      assert.ok(m.services[name]?.healthcheck?.test, `${name} has a healthcheck`);
    }
    assert.match(
      [m.services.agent!.healthcheck!.test].flat().join(' '),
      /http:\/\/127\.0\.0\.1:3000\/health/,
    );
  });

  test('every depends_on waits for service_healthy, and Caddy waits for the agent', () => {
    const m = model([COMPOSE]);
    let count = 0;
    for (const [name, s] of Object.entries(m.services)) {
      for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
        count++;
        assert.equal(cond.condition, 'service_healthy', `${name} -> ${dep}`);
        assert.ok(m.services[dep]?.healthcheck, `${dep} needs a healthcheck for ${name} to wait on`);
      }
    }
    assert.ok(count >= 3);
    assert.equal(m.services.caddy?.depends_on?.agent?.condition, 'service_healthy');
  });

  test('images are pinned by tag (never latest, never untagged)', () => {
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    for (const [name, s] of Object.entries(m.services)) {
      assert.ok(s.image, `${name} names its image`);
      assert.match(s.image, /^[\w./-]+:[\w.-]+$/, `${name}: ${s.image}`);
      assert.doesNotMatch(s.image, /:latest$/, name);
    }
  });

  test('no secret has a default: each missing secret stops compose with a message naming it', () => {
    const raw = readFileSync(COMPOSE, 'utf8');
    const secretRefs = [...raw.matchAll(/\$\{([A-Z0-9_]+)([^}]*)\}/g)].filter(([, name]) =>
      /(PASSWORD|SECRET|TOKEN|KEY|WEBHOOK_URL)(_PREVIOUS)?$/.test(name!),
    );
    assert.ok(secretRefs.length >= 6);
    for (const [ref, name, rest] of secretRefs) {
      // Optional: previous values during a rotation, the signing key, and the alert receivers (any one of
      // which may be the one in use; Alertmanager's entrypoint refuses to start without a real one).
      const optional = /_PREVIOUS$|^SIGNALWIRE_SIGNING_KEY$|^ALERT_/.test(name!);
      assert.ok(
        rest!.startsWith(':?') || (optional && rest === ':-'),
        `${ref}: a secret must be required (\${VAR:?message}) or empty-optional, never defaulted`,
      );
    }
    for (const name of Object.keys(ENV)) {
      if (name === 'SWML_BASIC_AUTH_USER') continue;
      const env = Object.fromEntries(Object.entries(ENV).filter(([key]) => key !== name));
      const out = compose([COMPOSE], env, ['config', '-q']);
      assert.notEqual(out.status, 0, `config must fail without ${name}`);
      assert.match(out.output, new RegExp(`set ${name} in \\.env`), out.output);
    }
  });

  test('Alertmanager gets every ALERT_* receiver variable (and only those), never a default', () => {
    const am = model([COMPOSE], { ...ENV, ...ALERT_ENV }).services.alertmanager!;
    const env = am.environment ?? {};
    assert.deepEqual(Object.keys(env).sort(), [...ALERT_VARS].sort());
    for (const [name, value] of Object.entries(env)) assert.equal(value ?? '', ALERT_ENV[name] ?? '', name);
    const bare = model([COMPOSE]).services.alertmanager!.environment ?? {};
    for (const [name, value] of Object.entries(bare)) assert.equal(value ?? '', '', `${name} has no default`);
  });

  test('Prometheus and Alertmanager know their external URLs; runbook links follow RUNBOOK_BASE_URL', () => {
    const m = model([COMPOSE], { ...ENV, ...ALERT_ENV, PROMETHEUS_EXTERNAL_URL: 'https://prom.acme.io/' });
    const prom = m.services.prometheus as Service & { command?: string[] };
    const am = m.services.alertmanager as Service & { command?: string[] };
    assert.ok(prom.command?.includes('--web.external-url=https://prom.acme.io/'), String(prom.command));
    assert.ok(prom.command?.includes('--web.route-prefix=/'), 'health checks stay at /-/ready');
    assert.ok(
      prom.command?.includes('--enable-feature=expand-external-labels'),
      'RUNBOOK_BASE_URL reaches rules',
    );
    assert.equal(prom.environment?.RUNBOOK_BASE_URL, ALERT_ENV.RUNBOOK_BASE_URL);
    assert.ok(am.command?.includes('--web.external-url=http://localhost:9093/'), String(am.command));
    assert.ok(am.command?.includes('--web.route-prefix=/'));
  });

  test('the agent writes its audit trail to its own volume by default (AUDIT_LOG_FILE)', () => {
    const agent = model([COMPOSE]).services.agent!;
    // One folder per container (%h): replicas on the shared volume never rotate or delete each other's file.
    assert.equal(agent.environment?.AUDIT_LOG_FILE, '/var/log/swml-guard/%h/audit.log');
    assert.ok(
      (agent.volumes ?? []).some((v) => /^agent_audit:\/var\/log\/swml-guard(:rw)?$/.test(v)),
      String(agent.volumes),
    );
    const overridden = model([COMPOSE], { ...ENV, AUDIT_LOG_FILE: '/var/log/swml-guard/other.log' });
    assert.equal(overridden.services.agent!.environment?.AUDIT_LOG_FILE, '/var/log/swml-guard/other.log');
  });

  test('the Docker log budget holds an hour of the worst refusal flood, plus room for real events', () => {
    // Worst case per window: every tracked (client, kind) pair writes a first line and a summary, plus one
    // "other clients" line per kind, in the access log and in the audit log (docs/security.md "Log budget").
    // Kinds an unauthenticated client can cause: every error status of the access log, and the audit's
    // auth_failure (missing, invalid, malformed) and rate_limited (ip, auth).
    const kinds = Object.keys(ERRORS).length + 5;
    const linesPerWindow = 2 * (2 * AGGREGATION.maxEntries) + kinds;
    const windowsPerHour = 3_600_000 / AGGREGATION.windowMs;
    const floodBytesPerHour = linesPerWindow * LOG_LIMITS.refusalLine * windowsPerHour;
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    const toBytes = (size: string) => {
      const match = /^(\d+)([kmg]?)$/.exec(size);
      assert.ok(match, `max-size ${size}`);
      return (
        Number(match[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2] as '' | 'k' | 'm' | 'g']
      );
    };
    for (const [name, s] of Object.entries(m.services)) {
      assert.equal(s.logging?.driver, 'json-file', `${name} uses the shared x-logging block`);
      const budget =
        toBytes(s.logging?.options?.['max-size'] ?? '') * Number(s.logging?.options?.['max-file']);
      assert.ok(
        budget >= floodBytesPerHour + 32 * 1024 ** 2,
        `${name}: ${budget} B < one hour of flood (${floodBytesPerHour} B) + 32 MiB of real events`,
      );
    }
  });

  test('Redis (scale profile) persists: appendonly, fsync every second, its --dir on a named volume', () => {
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    const redis = m.services.redis!;
    const command = [(redis as { command?: string[] | string }).command].flat().join(' ');
    assert.match(command, /--appendonly yes\b/, 'revocations must survive a Redis restart');
    assert.match(command, /--appendfsync (everysec|always)\b/);
    const dir = /--dir (\S+)/.exec(command)?.[1];
    assert.ok(dir, 'an explicit --dir for the appendonly files');
    const volume = (redis.volumes ?? []).find((v) => v.split(':')[1] === dir);
    assert.ok(volume, `a volume at ${dir}: ${(redis.volumes ?? []).join(', ')}`);
    assert.ok(m.volumes && volume.split(':')[0]! in m.volumes, 'a named volume (kept across re-creation)');
    assert.equal(redis.read_only, true, 'still a read-only root filesystem');
    const ci = readFileSync(join(ROOT, 'deploy', 'ci', 'redis.Dockerfile'), 'utf8');
    assert.match(ci, new RegExp(`chown redis:redis ${dir}`), 'the CI image lets user redis write there');
  });

  test("the agent keeps revoked calls on a named volume at the image's SWML_STATE_DIR", () => {
    const m = model([COMPOSE]);
    const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
    const dir = /^ENV SWML_STATE_DIR=(\S+)$/m.exec(dockerfile)?.[1];
    assert.ok(dir, 'the image sets SWML_STATE_DIR');
    assert.match(
      dockerfile,
      new RegExp(`mkdir -p ${dir} && chown 10001:10001 ${dir}`),
      'writable by the agent user',
    );
    const volume = (m.services.agent!.volumes ?? []).find((v) => v.split(':')[1] === dir);
    assert.ok(volume, `a volume at ${dir}`);
    assert.ok(m.volumes && volume.split(':')[0]! in m.volumes, 'a named volume');
    assert.equal(m.services.agent!.environment?.SWML_STATE_DIR, undefined, 'the image default is used');
  });

  test('Grafana is served under /grafana/ with its own login, its password from .env', () => {
    const env = model([COMPOSE]).services.grafana!.environment ?? {};
    assert.equal(env.GF_SECURITY_ADMIN_PASSWORD, ENV.GRAFANA_ADMIN_PASSWORD);
    assert.equal(env.GF_SERVER_ROOT_URL, 'https://agent.example.com/grafana/');
    assert.equal(env.GF_SERVER_SERVE_FROM_SUB_PATH, 'true');
    assert.equal(env.GF_AUTH_ANONYMOUS_ENABLED, 'false');
  });
});

describe('docker-compose.proxy.yml', () => {
  test('drops Caddy and publishes the agent and Grafana on 127.0.0.1 only', () => {
    const files = [COMPOSE, PROXY];
    const out = compose(files, ENV, ['config', '-q']);
    assert.equal(out.status, 0, out.output);
    const m = model(files);
    assert.deepEqual(m.services.caddy?.profiles, ['caddy'], 'Caddy only with --profile caddy');
    assert.deepEqual(published(m.services.agent!), ['127.0.0.1:3000:3000/tcp']);
    assert.deepEqual(published(m.services.grafana!), ['127.0.0.1:3001:3000/tcp']);
    for (const name of ['prometheus', 'alertmanager'])
      assert.deepEqual(published(m.services[name]!), [], name);
    assert.equal(m.services.agent!.environment?.SWML_TRUST_PROXY, '1');
    assert.equal(m.services.agent!.environment?.SWML_PROXY_URL_BASE, 'https://agent.example.com');
    // Docker publishes a port only on a network with a gateway: without Caddy, `dashboards` is not internal.
    assert.notEqual(m.networks?.dashboards?.internal, true);
    assert.deepEqual(networksOf(m.services.grafana!).sort(), ['dashboards', 'queries']);
  });
});

describe('network segmentation (issue 11)', () => {
  /** Which services share at least one network with `name` (Docker networks are all-or-nothing). */
  const reach = (m: ComposeModel, name: string) =>
    Object.keys(m.services)
      .filter((other) => other !== name)
      .filter((other) =>
        networksOf(m.services[other]!).some((n) => networksOf(m.services[name]!).includes(n)),
      )
      .sort();

  test('each service shares a network only with the services it talks to', () => {
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    assert.deepEqual(reach(m, 'caddy'), ['agent', 'grafana'], 'Caddy: the agent and Grafana only');
    assert.deepEqual(
      reach(m, 'grafana'),
      ['caddy', 'prometheus'],
      'Grafana: Prometheus (and Caddy in front)',
    );
    assert.deepEqual(reach(m, 'alertmanager'), ['prometheus'], 'Alertmanager: Prometheus only');
    assert.deepEqual(reach(m, 'redis'), ['agent'], 'Redis: the agents only');
    assert.deepEqual(reach(m, 'prometheus'), ['agent', 'alertmanager', 'grafana', 'node-exporter']);
    assert.deepEqual(reach(m, 'agent'), ['caddy', 'node-exporter', 'prometheus', 'redis']);
    // Only the networks with a way out are not internal: Caddy's and the agent's (ACME, the tools' own
    // calls) and Alertmanager's (Slack, PagerDuty, SMTP).
    const open = Object.entries(m.networks ?? {})
      .filter(([, n]) => n?.internal !== true)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(open, ['alerting', 'edge']);
    assert.deepEqual(networksOf(m.services.caddy!).sort(), ['dashboards', 'edge']);
  });

  test("the agent's internal port binds its address on the metrics network, which Caddy is not on", () => {
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    const agent = m.services.agent!;
    const alias = agent.environment?.METRICS_HOST;
    assert.equal(alias, 'agent-metrics');
    const nets = agent.networks as Record<string, { aliases?: string[] } | null>;
    const withAlias = Object.entries(nets)
      .filter(([, n]) => n?.aliases?.includes(alias))
      .map(([name]) => name);
    // A name only the metrics network answers: every replica resolves it to its own metrics address there.
    assert.deepEqual(withAlias, ['metrics']);
    for (const [name, service] of Object.entries(m.services)) {
      const onMetrics = networksOf(service).includes('metrics');
      assert.equal(onMetrics, ['agent', 'prometheus', 'node-exporter'].includes(name), `${name} on metrics`);
      if (name !== 'agent')
        assert.ok(!JSON.stringify(service.networks ?? {}).includes(alias), `${name} claims the alias`);
    }
    assert.equal(m.networks?.metrics?.internal, true);
    // Prometheus discovers the replicas by the service name on that network, port 9464.
    assert.match(readFileSync(join(ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8'), /port: 9464/);
  });
});

describe('deploy/ci/docker-compose.ci.yml', () => {
  test('replaces every registry image with a local build, or leaves the service out of CI', () => {
    const raw = readFileSync(join(ROOT, 'deploy', 'ci', 'docker-compose.ci.yml'), 'utf8').replace(
      / !override/g,
      '',
    );
    const ci = yamlToJson(raw).services;
    const base = model([COMPOSE], ENV, ['--profile', 'scale']).services;
    for (const [name, service] of Object.entries(base)) {
      const override = ci[name];
      assert.ok(override, `${name}: no entry in the CI override (CI reaches no image registry)`);
      if (override.profiles) continue; // left out of CI
      if (service.build) {
        assert.ok(override.build, `${name}: the CI override must set the local base (build args)`);
        continue;
      }
      assert.ok(
        override.build && override.image?.startsWith('swml-guard-ci/'),
        `${name}: built from the local base in CI`,
      );
    }
  });
});

describe('caddy/Caddyfile', () => {
  const caddyEnv = (extra: Record<string, string> = {}) => ({
    SWML_DOMAIN: 'agent.example.com',
    XDG_DATA_HOME: tmpdir(),
    XDG_CONFIG_HOME: tmpdir(),
    ...extra,
  });

  test('passes caddy validate, on Debian 12 2.6.2 and on the current release, with defaults and overrides', () => {
    for (const bin of [caddy, currentCaddy]) {
      for (const env of [
        caddyEnv(),
        caddyEnv({ SWML_UPSTREAM: '127.0.0.1:3001 127.0.0.1:3002', CADDY_ADMIN: 'off' }),
      ]) {
        const out = run(bin, ['validate', '--adapter', 'caddyfile', '--config', CADDYFILE], env);
        assert.equal(out.status, 0, `${bin}: ${out.output}`);
        assert.match(out.output, /Valid configuration/);
        assert.doesNotMatch(out.output, /"level":"(warn|error)"|deprecated/i, `${bin} warns`);
      }
    }
  });

  test('is formatted as caddy fmt writes it (both releases)', () => {
    for (const bin of [caddy, currentCaddy]) {
      const out = run(bin, ['fmt', CADDYFILE]);
      assert.equal(out.status, 0, out.output);
      assert.equal(out.stdout, readFileSync(CADDYFILE, 'utf8'), bin);
    }
  });

  test('holds requests through an agent restart: retries, health checks, timeouts; HTTP/3 off', () => {
    const out = run(currentCaddy, ['adapt', '--adapter', 'caddyfile', '--config', CADDYFILE], caddyEnv());
    assert.equal(out.status, 0, out.output);
    const config = JSON.parse(out.stdout) as {
      apps: { http: { servers: Record<string, { protocols?: string[]; routes?: unknown[] }> } };
    };
    const server = Object.values(config.apps.http.servers)[0]!;
    assert.deepEqual(server.protocols, ['h1', 'h2'], 'no HTTP/3 (no UDP port published)');
    const proxies: Record<string, unknown>[] = [];
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object') {
        const rec = o as Record<string, unknown>;
        if (rec.handler === 'reverse_proxy') proxies.push(rec);
        Object.values(rec).forEach(walk);
      }
    };
    walk(server.routes);
    const agent = proxies.find((p) => JSON.stringify(p.upstreams).includes('agent:3000'));
    assert.ok(agent, 'the agent route');
    const s = 1e9;
    // Held up to 20 s, retried every 250 ms: longer than a restart (3 s lame duck + drain + start).
    assert.deepEqual(agent.load_balancing, {
      selection_policy: { policy: 'round_robin' },
      try_duration: 20 * s,
      try_interval: 0.25 * s,
    });
    // No retry_match: POSTs are retried only when no connection was made (never a webhook twice).
    assert.doesNotMatch(JSON.stringify(agent), /retry_match/);
    assert.deepEqual(agent.health_checks, {
      active: { expect_status: 200, interval: 1 * s, timeout: 2 * s, uri: '/ready' },
      // No unhealthy_status: an agent's 503 must not take the only upstream out.
      passive: { fail_duration: 2 * s, max_fails: 3 },
    });
    const transport = agent.transport as Record<string, unknown>;
    assert.equal(transport.dial_timeout, 2 * s);
    assert.equal(transport.response_header_timeout, 30 * s, 'above SWML_FUNCTION_TIMEOUT_MS (10 s) + drain');
    assert.deepEqual(transport.keep_alive, { enabled: false });
  });

  test('adapts to: no trust-store install, health-checked upstreams, /metrics and /admin 404, redacted log', () => {
    const out = run(caddy, ['adapt', '--adapter', 'caddyfile', '--config', CADDYFILE], caddyEnv());
    assert.equal(out.status, 0, out.output);
    const json = out.stdout;
    const config = JSON.parse(json) as {
      apps: { pki?: { certificate_authorities?: { local?: { install_trust?: boolean } } } };
      logging: { logs: Record<string, { encoder?: { format?: string; fields?: Record<string, unknown> } }> };
    };
    assert.equal(config.apps.pki?.certificate_authorities?.local?.install_trust, false, 'skip_install_trust');
    assert.match(json, /"health_checks":\{"active":\{[^}]*"uri":"\/ready"/);
    assert.match(json, /"upstreams":\[\{"dial":"agent:3000"\}\]/);
    assert.match(json, /"path":\["\/metrics","\/metrics\/\*","\/admin","\/admin\/\*"\]/);
    assert.match(json, /"status_code":404/);
    assert.doesNotMatch(json, /trusted_proxies/, 'client-sent X-Forwarded-* must be replaced, never trusted');
    const access = Object.values(config.logging.logs).find((l) => l.encoder?.format === 'filter');
    assert.ok(access, 'an access log with a filter encoder');
    const fields = JSON.stringify(access.encoder?.fields);
    assert.match(fields, /"request>uri":\{"actions":\[[^\]]*"parameter":"__token"/);
    assert.match(fields, /"request>uri":\{"actions":\[[^\]]*"parameter":"token"/);
    assert.match(fields, /"request>headers>Authorization":\{"filter":"delete"\}/);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = instructions.reduce<string[][]>((acc, line) => {
    if (line.startsWith('FROM ')) acc.push([line]);
    else acc.at(-1)?.push(line);
    return acc;
  }, []);

  test('chooses its base image by build ARG, defaulting to an official Node LTS tag within `engines`', () => {
    const tag = /^ARG NODE_IMAGE=node:(\d+)\.\d+\.\d+-[\w-]*slim$/.exec(instructions[0] ?? '');
    assert.ok(tag, `an exact, slim official node tag: ${instructions[0]}`);
    const major = Number(tag[1]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    const floor = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
    assert.ok(floor >= 22, `engines.node ${pkg.engines.node}: Node 20 and older are past end of life`);
    assert.ok(major % 2 === 0 && major >= floor, `node:${major} is an LTS line (even) within engines`);
    // The type checker knows only the APIs of the oldest supported line, so code cannot outgrow `engines`.
    assert.equal(Number(/^\^(\d+)\./.exec(pkg.devDependencies['@types/node'] ?? '')?.[1]), floor);
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const stage of stages) assert.match(stage[0]!, /^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  test('builds with dev dependencies, runs with production dependencies and dist/ only, as non-root', () => {
    const all = instructions.join('\n');
    assert.match(all, /RUN npm ci\b(?![^\n]*--omit=dev)/, 'a build stage installs dev dependencies');
    assert.match(all, /npm run build/);
    assert.match(all, /npm ci[^\n]*--omit=dev/);
    const final = stages.at(-1)!;
    const copies = final.filter((l) => l.startsWith('COPY '));
    assert.ok(
      copies.some((l) => /--from=\w+ \/app\/dist/.test(l)),
      'dist/ from the build stage',
    );
    assert.ok(!copies.some((l) => /\bsrc\b|\.env/.test(l)), 'no sources or env files in the final image');
    const user = final.filter((l) => l.startsWith('USER ')).at(-1);
    assert.ok(user, 'the final stage sets USER');
    assert.doesNotMatch(user, /^USER (root|0)\b/);
    // The CLI's serve: the demo agent, or AGENT_MODULE, which docker-compose.yml passes through.
    assert.match(final.at(-1)!, /^CMD \["node", "bin\/swml-guard\.js", "serve"\]$/);
    assert.ok(
      copies.some((l) => /^COPY bin \.\/bin$/.test(l)),
      'the CLI entry point',
    );
  });

  test('.dockerignore keeps secrets, git and local node_modules out of the build context', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', '.env.*', '.git', 'node_modules', 'dist'])
      assert.ok(ignore.includes(entry), entry);
  });
});

describe('deploy/init.sh', () => {
  test('writes .env with strong, distinct secrets (mode 600) that docker-compose.yml accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swml-init-'));
    try {
      const file = join(dir, '.env');
      const out = run('sh', [INIT, '--domain', 'agent.example.com', '--file', file]);
      assert.equal(out.status, 0, out.output);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /__SECRET_|__SWML_DOMAIN__/, 'every placeholder filled');
      const env = Object.fromEntries(
        text
          .split('\n')
          .filter((l) => /^[A-Z_]+=/.test(l))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      assert.equal(env.SWML_DOMAIN, 'agent.example.com');
      const secrets = [
        'SWML_BASIC_AUTH_PASSWORD',
        'SWML_TOKEN_SECRET',
        'SWML_ADMIN_TOKEN',
        'GRAFANA_ADMIN_PASSWORD',
        'REDIS_PASSWORD',
      ];
      for (const name of secrets) assert.match(env[name] ?? '', /^[0-9a-f]{64}$/, `${name}: 32 random bytes`);
      assert.equal(new Set(secrets.map((n) => env[n])).size, secrets.length, 'each secret is different');
      assert.match(text, new RegExp(`# REDIS_URL=redis://:${env.REDIS_PASSWORD!}@redis:6379/0`));
      const check = run(dockerCompose, ['--env-file', file, '-f', COMPOSE, 'config', '-q']);
      assert.equal(check.status, 0, check.output);
      // A second run writes different secrets.
      const other = join(dir, 'other.env');
      assert.equal(run('sh', [INIT, '--file', other]).status, 0);
      assert.doesNotMatch(readFileSync(other, 'utf8'), new RegExp(env.SWML_TOKEN_SECRET!));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without receivers it still writes .env, says what is missing, and Alertmanager would refuse it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swml-init-'));
    try {
      const file = join(dir, '.env');
      const out = run('sh', [INIT, '--file', file]);
      assert.equal(out.status, 0, out.output);
      assert.match(out.stdout, /Alerts: not configured yet\. Alertmanager will refuse to start/);
      assert.doesNotMatch(readFileSync(file, 'utf8'), /\.invalid|not-configured/, 'no placeholder written');
      const env = readEnv(file);
      const check = run('sh', [join(ROOT, 'deploy', 'alertmanager', 'entrypoint.sh'), '--check'], env);
      assert.equal(check.status, 78, check.output);
      assert.match(check.stderr, /ERR_SWML_ALERT_RECEIVER: no alert receiver is configured/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--alert-* flags write native receivers the entrypoint accepts; the SMTP password survives Compose verbatim', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swml-init-'));
    try {
      const file = join(dir, '.env');
      const password = `smtp p$w#d "x" \\y`;
      const out = run(
        'sh',
        [
          INIT,
          '--file',
          file,
          '--alert-critical',
          'pagerduty:e93facc04764012d7bfb002500d5d1a6',
          '--alert-critical',
          'webhook:https://ops.acme.io/hook?a=1&b=2',
          '--alert-warning=slack:https://hooks.slack.com/services/T0/B0/tok',
          '--alert-warning',
          'email:ops@acme.io,dev@acme.io',
          '--smtp-smarthost',
          'smtp.acme.io:587',
          '--smtp-from',
          'alerts@acme.io',
          '--smtp-username',
          'alerts',
          '--alert-heartbeat',
          'https://hc-ping.com/abc-123',
        ],
        { ALERT_SMTP_PASSWORD: password },
      );
      assert.equal(out.status, 0, out.output);
      assert.match(
        out.stdout,
        /Alerts: critical -> pagerduty webhook; warning -> slack email; heartbeat -> webhook/,
      );
      assert.ok(!out.output.includes('e93facc0') && !out.output.includes(password), 'no secret printed');
      const am = model([COMPOSE], readEnv(file)).services.alertmanager!.environment ?? {};
      assert.equal(am.ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY, 'e93facc04764012d7bfb002500d5d1a6');
      assert.equal(am.ALERT_CRITICAL_WEBHOOK_URL, 'https://ops.acme.io/hook?a=1&b=2');
      assert.equal(am.ALERT_WARNING_EMAIL_TO, 'ops@acme.io,dev@acme.io');
      // `docker-compose config` prints $ as $$ (its own escape, so the output can be read back).
      assert.equal(am.ALERT_SMTP_PASSWORD?.replace(/\$\$/g, '$'), password, 'Compose reads it verbatim');
      const check = run('sh', [join(ROOT, 'deploy', 'alertmanager', 'entrypoint.sh'), '--check'], {
        ...Object.fromEntries(Object.entries(am).map(([k, v]) => [k, (v ?? '').replace(/\$\$/g, '$')])),
      });
      assert.equal(check.status, 0, check.output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--ask reads the receivers from stdin; a placeholder or malformed receiver writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swml-init-'));
    try {
      const file = join(dir, '.env');
      const answers =
        'slack\nhttps://hooks.slack.com/services/T0/B0/tok\nwebhook\nhttps://ops.acme.io/w\nhttps://hc-ping.com/x1\n';
      const ask = spawnSync('sh', [INIT, '--file', file, '--ask'], { input: answers, encoding: 'utf8' });
      assert.equal(ask.status, 0, ask.stderr);
      const env = readEnv(file);
      assert.equal(env.ALERT_CRITICAL_SLACK_WEBHOOK_URL, 'https://hooks.slack.com/services/T0/B0/tok');
      assert.equal(env.ALERT_WARNING_WEBHOOK_URL, 'https://ops.acme.io/w');
      assert.equal(env.ALERT_HEARTBEAT_URL, 'https://hc-ping.com/x1');
      for (const bad of [
        ['--alert-critical', 'webhook:http://alertmanager-webhook.invalid/not-configured'],
        ['--alert-critical', 'pagerduty:short'],
        ['--alert-critical', 'teams:https://x.io'],
        ['--alert-warning', 'slack:http://hooks.slack.com/x'],
      ]) {
        const target = join(dir, 'bad.env');
        const out = run('sh', [INIT, '--file', target, ...bad]);
        assert.equal(out.status, 2, `${bad.join(' ')}: ${out.output}`);
        assert.equal(existsSync(target), false, 'nothing written');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses to overwrite an existing .env and leaves it untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swml-init-'));
    try {
      const file = join(dir, '.env');
      writeFileSync(file, 'SWML_TOKEN_SECRET=in-use\n');
      const out = run('sh', [INIT, '--file', file]);
      assert.notEqual(out.status, 0);
      assert.match(out.stderr, /already exists/);
      assert.equal(readFileSync(file, 'utf8'), 'SWML_TOKEN_SECRET=in-use\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rejects a domain that is not a host name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swml-init-'));
    try {
      for (const domain of ['a;b', 'evil.com/path', 'x y', '-x.com', 'https://x.com']) {
        const out = run('sh', [INIT, '--domain', domain, '--file', join(dir, '.env')]);
        assert.equal(out.status, 2, `${domain}: ${out.output}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('.env.example', () => {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  const documented = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));

  test('lists every variable the agent reads and every one the compose files and Caddyfile use', () => {
    const used = new Set<string>(ENV_NAMES);
    for (const file of [COMPOSE, PROXY, CADDYFILE]) {
      const code = readFileSync(file, 'utf8').replace(/^\s*#.*$/gm, '');
      for (const m of code.matchAll(/\{\$?([A-Z][A-Z0-9_]+)/g)) used.add(m[1]!);
    }
    const missing = [...used].filter((name) => !documented.has(name));
    assert.deepEqual(missing, []);
  });

  test('holds no secret values', () => {
    for (const name of [
      'SWML_BASIC_AUTH_PASSWORD',
      'SWML_TOKEN_SECRET',
      'SWML_ADMIN_TOKEN',
      'GRAFANA_ADMIN_PASSWORD',
    ]) {
      assert.match(text, new RegExp(`^${name}=$`, 'm'), `${name} must be empty in .env.example`);
    }
  });
});
