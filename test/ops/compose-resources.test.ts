// docker-compose.yml beyond security: resource limits, shutdown timing, current image releases (documented in
// docs/deployment.md), and node-exporter wired to Prometheus. Static, with Compose v1's `config`.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/agent-process.js';
import { requireBinary } from '../helpers/binaries.js';
import { COMPOSE, ENV, model, networksOf, published } from '../helpers/compose.js';
import { ENV as OPTIONS } from '../../src/config/options.js';

before(() => {
  requireBinary('docker-compose');
});

const stack = () => model([COMPOSE], ENV, ['--profile', 'scale']);

const bytes = (size: string) => {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(size.trim());
  assert.ok(m, `a size: ${size}`);
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
};
const seconds = (d: string) => {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  assert.ok(m && d, `a duration: ${d}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
};

test('every service has a memory and a CPU limit', () => {
  for (const [name, service] of Object.entries(stack().services)) {
    const limits = service.deploy?.resources?.limits;
    assert.ok(limits, `${name}: deploy.resources.limits`);
    assert.ok(bytes(String(limits.memory)) >= 32 * 1024 ** 2, `${name}: memory limit ${limits.memory}`);
    assert.ok(Number(limits.cpus) > 0 && Number(limits.cpus) <= 2, `${name}: cpus ${limits.cpus}`);
  }
});

test("the agent's stop_grace_period outlasts its lame duck and drain (no call killed on restart)", () => {
  const agent = stack().services.agent!;
  const delayMs = Number(agent.environment?.SWML_SHUTDOWN_DELAY_MS);
  assert.ok(delayMs >= 2000, 'lame duck longer than two of Caddy 1 s health checks');
  // serve(): in-flight requests get the function timeout + 5 s to finish.
  const functionTimeoutMs = Number(
    agent.environment?.SWML_FUNCTION_TIMEOUT_MS || OPTIONS.SWML_FUNCTION_TIMEOUT_MS.default,
  );
  const needed = (delayMs + functionTimeoutMs + 5_000) / 1000;
  const grace = seconds(agent.stop_grace_period ?? '10s');
  assert.ok(
    grace >= needed + 5,
    `stop_grace_period ${grace}s for ${needed}s of shutdown (Docker's default: 10s)`,
  );
});

/** Oldest acceptable release per image: supported lines with the security fixes named. */
const MINIMUM: Record<string, { repo: string; min: string; why: string }> = {
  caddy: {
    repo: 'caddy',
    min: '2.11.3',
    why: 'HTTP/2 Rapid Reset (2.7.5), POST retries after a failed dial',
  },
  prometheus: { repo: 'prom/prometheus', min: '3.13.0', why: '3.13 LTS' },
  alertmanager: { repo: 'prom/alertmanager', min: '0.34.0', why: 'current line' },
  grafana: {
    repo: 'grafana/grafana',
    min: '12.4.0',
    why: '11.x is end of life; grafana-oss stopped at 12.4',
  },
  redis: { repo: 'redis', min: '8.10.0', why: 'current line' },
  'node-exporter': { repo: 'prom/node-exporter', min: '1.12.0', why: 'current line' },
};
const older = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((x![i] ?? 0) !== (y![i] ?? 0)) return (x![i] ?? 0) < (y![i] ?? 0);
  return false;
};

test('images are current, supported releases, and docs/deployment.md lists each pinned tag', () => {
  const docs = readFileSync(join(ROOT, 'docs', 'deployment.md'), 'utf8');
  const services = stack().services;
  for (const [name, { repo, min, why }] of Object.entries(MINIMUM)) {
    const image = services[name]?.image ?? '';
    const m = /^([\w./-]+):v?(\d+\.\d+\.\d+)(-[\w.]+)?$/.exec(image);
    assert.ok(m, `${name}: an exact version tag, got ${image}`);
    assert.equal(m[1], repo, name);
    assert.ok(!older(m[2]!, min), `${name}: ${image} is older than ${min} (${why})`);
    assert.ok(docs.includes(`\`${image}\``), `docs/deployment.md names ${image}`);
  }
});

test('node-exporter reads the host read-only, publishes nothing, and Prometheus scrapes it', () => {
  const node = stack().services['node-exporter']!;
  assert.ok(node.command?.includes('--path.rootfs=/host'), String(node.command));
  assert.ok(
    node.volumes?.some((v) => /^\/:\/host:ro(,rslave)?$/.test(v)),
    String(node.volumes),
  );
  assert.equal(node.read_only, true);
  assert.deepEqual(node.cap_drop, ['ALL']);
  assert.deepEqual(published(node), []);
  assert.deepEqual(networksOf(node), ['metrics']);
  const prom = readFileSync(join(ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8');
  assert.match(prom, /job_name: node\n\s+static_configs:\n\s+- targets: \['node-exporter:9100'\]/);
  const rules = readFileSync(join(ROOT, 'deploy', 'prometheus', 'rules', 'host.yml'), 'utf8');
  assert.match(rules, /node_filesystem_avail_bytes\{job="node"/);
});
