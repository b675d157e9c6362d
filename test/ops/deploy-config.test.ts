// The deployment kit, checked statically: compose files (Compose v1 `config`), Caddyfile (caddy validate/adapt),
// the agent's Dockerfile, deploy/init.sh, and .env.example. No engine needed; the live stack is ci-compose.sh.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/agent-process.js';
import { requireBinary } from '../helpers/binaries.js';
import { ENV_NAMES } from '../../src/config/options.js';

const COMPOSE = join(ROOT, 'docker-compose.yml');
const PROXY = join(ROOT, 'docker-compose.proxy.yml');
const CADDYFILE = join(ROOT, 'caddy', 'Caddyfile');
const INIT = join(ROOT, 'deploy', 'init.sh');

/** Values for every variable docker-compose.yml requires; recognisable so a leak is easy to spot. */
const ENV: Record<string, string> = {
  SWML_DOMAIN: 'agent.example.com',
  SWML_BASIC_AUTH_USER: 'signalwire',
  SWML_BASIC_AUTH_PASSWORD: 'test-basic-auth-password-0123456789abcdef',
  SWML_TOKEN_SECRET: 'test-token-secret-0123456789abcdefghijklmn',
  SWML_ADMIN_TOKEN: 'test-admin-token-0123456789abcdefghijklmno',
  GRAFANA_ADMIN_PASSWORD: 'test-grafana-password-0123456789abcdefghi',
  ALERTMANAGER_WEBHOOK_URL: 'https://hooks.example.com/test-webhook',
  REDIS_PASSWORD: 'test-redis-password-0123456789abcdefghijk',
};

interface Service {
  image?: string;
  build?: unknown;
  ports?: (string | { published?: number | string; target?: number; host_ip?: string; protocol?: string })[];
  environment?: Record<string, string | null>;
  volumes?: string[];
  tmpfs?: string[] | string;
  read_only?: boolean;
  init?: boolean;
  user?: string;
  cap_drop?: string[];
  security_opt?: string[];
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }>;
  profiles?: string[];
}
interface ComposeModel {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

let dockerCompose = '';
let caddy = '';

before(() => {
  dockerCompose = requireBinary('docker-compose');
  caddy = requireBinary('caddy');
  requireBinary('openssl');
});

function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const result = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    output: result.stdout + result.stderr,
  };
}

/** Writes `env` to a temp env file and runs Compose v1 with it (no engine needed for `config`). */
function compose(files: string[], env: Record<string, string>, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'swml-compose-'));
  try {
    const envFile = join(dir, '.env');
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return run(dockerCompose, ['--env-file', envFile, ...files.flatMap((f) => ['-f', f]), ...args]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The resolved model (`docker-compose config`), YAML -> JSON with the PyYAML that Compose v1 depends on. */
function model(files: string[], env = ENV, extra: string[] = []): ComposeModel {
  const out = compose(files, env, [...extra, 'config']);
  assert.equal(out.status, 0, out.output);
  const py = spawnSync(
    'python3',
    ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    {
      input: out.stdout,
      encoding: 'utf8',
    },
  );
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout) as ComposeModel;
}

function published(service: Service): string[] {
  return (service.ports ?? []).map((p) =>
    typeof p === 'string'
      ? p
      : `${p.host_ip ?? ''}:${String(p.published)}:${String(p.target)}/${p.protocol ?? 'tcp'}`,
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
      'prometheus',
      'redis',
    ]);
    assert.deepEqual(m.services.redis?.profiles, ['scale']);
    for (const [name, s] of Object.entries(m.services)) {
      if (name !== 'redis') assert.equal(s.profiles, undefined, `${name} must start without a profile`);
    }
  });

  test('only Caddy publishes ports: 80, 443 and 443/udp', () => {
    const m = model([COMPOSE], ENV, ['--profile', 'scale']);
    for (const [name, s] of Object.entries(m.services)) {
      if (name === 'caddy') continue;
      assert.deepEqual(published(s), [], `${name} must not publish ports`);
    }
    const ports = published(m.services.caddy!).map((p) => p.replace(/^:/, ''));
    assert.deepEqual(ports.sort(), ['443:443/tcp', '443:443/udp', '80:80/tcp']);
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
    assert.equal(env.METRICS_HOST, '0.0.0.0');
    assert.equal(env.METRICS_PORT, '9464');
    assert.equal(env.PORT, '3000');
    assert.equal(env.SWML_BASIC_AUTH_PASSWORD, ENV.SWML_BASIC_AUTH_PASSWORD);
    assert.equal(env.SWML_TOKEN_SECRET, ENV.SWML_TOKEN_SECRET);
    // Least privilege: other services' secrets never reach the agent.
    for (const v of Object.values(env)) {
      assert.notEqual(v, ENV.GRAFANA_ADMIN_PASSWORD);
      assert.notEqual(v, ENV.ALERTMANAGER_WEBHOOK_URL);
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
      const optionalPrevious = /_PREVIOUS$|^SIGNALWIRE_SIGNING_KEY$/.test(name!);
      assert.ok(
        rest!.startsWith(':?') || (optionalPrevious && rest === ':-'),
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
  });
});

describe('deploy/ci/docker-compose.ci.yml', () => {
  test('replaces every registry image with a local build, or leaves the service out of CI', () => {
    const raw = readFileSync(join(ROOT, 'deploy', 'ci', 'docker-compose.ci.yml'), 'utf8').replace(
      / !override/g,
      '',
    );
    const py = spawnSync(
      'python3',
      ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      {
        input: raw,
        encoding: 'utf8',
      },
    );
    assert.equal(py.status, 0, py.stderr);
    const ci = (JSON.parse(py.stdout) as ComposeModel).services;
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

  test('passes caddy validate (the installed Caddy) with the compose defaults and with env overrides', () => {
    for (const env of [
      caddyEnv(),
      caddyEnv({ SWML_UPSTREAM: '127.0.0.1:3001 127.0.0.1:3002', CADDY_ADMIN: 'off' }),
    ]) {
      const out = run(caddy, ['validate', '--adapter', 'caddyfile', '--config', CADDYFILE], env);
      assert.equal(out.status, 0, out.output);
      assert.match(out.output, /Valid configuration/);
    }
  });

  test('is formatted as caddy fmt writes it', () => {
    const out = run(caddy, ['fmt', CADDYFILE]);
    assert.equal(out.status, 0, out.output);
    assert.equal(out.stdout, readFileSync(CADDYFILE, 'utf8'));
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

  test('chooses its base image by build ARG, defaulting to an official Node 20 tag', () => {
    assert.match(instructions[0] ?? '', /^ARG NODE_IMAGE=node:20[\w.-]*$/);
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
