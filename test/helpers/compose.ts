// The compose files, resolved by Compose v1's `config` (no engine needed), as JSON for static deploy tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './agent-process.js';
import { requireBinary } from './binaries.js';

export const COMPOSE = join(ROOT, 'docker-compose.yml');
export const PROXY = join(ROOT, 'docker-compose.proxy.yml');
export const CI_OVERRIDE = join(ROOT, 'deploy', 'ci', 'docker-compose.ci.yml');

/** Values for every variable docker-compose.yml requires; recognisable so a leak is easy to spot. */
export const ENV: Record<string, string> = {
  SWML_DOMAIN: 'agent.example.com',
  SWML_BASIC_AUTH_USER: 'signalwire',
  SWML_BASIC_AUTH_PASSWORD: 'test-basic-auth-password-0123456789abcdef',
  SWML_TOKEN_SECRET: 'test-token-secret-0123456789abcdefghijklmn',
  SWML_ADMIN_TOKEN: 'test-admin-token-0123456789abcdefghijklmno',
  GRAFANA_ADMIN_PASSWORD: 'test-grafana-password-0123456789abcdefghi',
  REDIS_PASSWORD: 'test-redis-password-0123456789abcdefghijk',
};

export interface Service {
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
  logging?: { driver?: string; options?: Record<string, string> };
  networks?: Record<string, { aliases?: string[] } | null>;
  deploy?: { resources?: { limits?: { cpus?: string | number; memory?: string } } };
  stop_grace_period?: string;
  command?: string[];
}
export interface ComposeModel {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { internal?: boolean } | null>;
}

export function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd = ROOT) {
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
export function compose(files: string[], env: Record<string, string>, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'swml-compose-'));
  try {
    const envFile = join(dir, '.env');
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return run(requireBinary('docker-compose'), [
      '--env-file',
      envFile,
      ...files.flatMap((f) => ['-f', f]),
      ...args,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** YAML -> JSON with the PyYAML that Compose v1 depends on. */
export function yamlToJson(yaml: string): ComposeModel {
  const py = spawnSync(
    'python3',
    ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    { input: yaml, encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout) as ComposeModel;
}

/** The resolved model (`docker-compose config`). */
export function model(files: string[], env = ENV, extra: string[] = []): ComposeModel {
  const out = compose(files, env, [...extra, 'config']);
  assert.equal(out.status, 0, out.output);
  return yamlToJson(out.stdout);
}

export function published(service: Service): string[] {
  return (service.ports ?? []).map((p) =>
    typeof p === 'string'
      ? p
      : `${p.host_ip ?? ''}:${String(p.published)}:${String(p.target)}/${p.protocol ?? 'tcp'}`,
  );
}

/** The networks a service is on (Compose v1 prints them as a list or as a map). */
export function networksOf(service: Service): string[] {
  const n = service.networks as unknown;
  if (Array.isArray(n)) return n as string[];
  return Object.keys((n as Record<string, unknown> | undefined) ?? {});
}
