// The two Redis overlays: the agent's REDIS_URL comes from a Secret (managed) or points at the in-cluster
// Redis, which keeps its data (append-only file on a volume), authenticates, and runs the compose version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/agent-process.js';
import { all, one, overlay, selects } from '../helpers/kube.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- rendered manifests */
function agentEnv(name: string): any[] {
  return one(overlay(name), 'Deployment', 'swml-agent').spec.template.spec.containers[0].env;
}
function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

test('managed-redis: REDIS_URL comes from the Secret swml-redis, and no Redis runs in the cluster', () => {
  const url = agentEnv('managed-redis').find((e) => e.name === 'REDIS_URL');
  assert.deepEqual(url?.valueFrom?.secretKeyRef, { name: 'swml-redis', key: 'url' });
  assert.deepEqual(all(overlay('managed-redis'), 'StatefulSet'), []);
});

test('in-cluster-redis: the agent points at the Redis Service, with the password from the Secret', () => {
  const env = agentEnv('in-cluster-redis');
  const pw = env.findIndex((e) => e.name === 'REDIS_PASSWORD');
  const urlAt = env.findIndex((e) => e.name === 'REDIS_URL');
  assert.ok(pw !== -1 && pw < urlAt, 'REDIS_PASSWORD must come before REDIS_URL for $(...) to expand');
  assert.deepEqual(env[pw].valueFrom.secretKeyRef, { name: 'swml-redis', key: 'password' });
  const url = new URL(env[urlAt].value.replace('$(REDIS_PASSWORD)', 'pw'));
  const svc = one(overlay('in-cluster-redis'), 'Service', url.hostname);
  assert.ok(
    svc.spec.ports.some((p: any) => String(p.port) === url.port),
    `${url.host} is not the Service port`,
  );
  const redis = one(overlay('in-cluster-redis'), 'StatefulSet', 'swml-redis');
  assert.ok(
    selects({ matchLabels: svc.spec.selector }, redis.spec.template.metadata.labels),
    'Service -> Redis pod',
  );
});

test('in-cluster-redis: Redis persists to its volume (AOF, fsync every second) and requires a password', () => {
  const redis = one(overlay('in-cluster-redis'), 'StatefulSet', 'swml-redis');
  const c = redis.spec.template.spec.containers[0];
  const args: string[] = [...c.command, ...(c.args ?? [])];
  assert.equal(args[0], 'redis-server');
  assert.equal(flag(args, '--appendonly'), 'yes');
  assert.equal(flag(args, '--appendfsync'), 'everysec');
  assert.equal(flag(args, '--requirepass'), '$(REDIS_PASSWORD)');
  assert.equal(
    c.env.find((e: any) => e.name === 'REDIS_PASSWORD')?.valueFrom?.secretKeyRef?.name,
    'swml-redis',
  );
  assert.equal(flag(args, '--maxmemory-policy'), 'noeviction', 'evicting a revocation would revive a token');
  const dir = flag(args, '--dir');
  const mount = c.volumeMounts.find((m: any) => m.mountPath === dir);
  assert.ok(mount, `--dir ${dir} is not a mounted volume`);
  const claim = redis.spec.volumeClaimTemplates.find((v: any) => v.metadata.name === mount.name);
  assert.ok(claim?.spec.resources.requests.storage, 'the data volume is a PersistentVolumeClaim');
  assert.equal(redis.spec.replicas, 1);
});

test('in-cluster-redis: the same Redis version as the compose stack', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: { redis: { image: string } };
  };
  const redis = one(overlay('in-cluster-redis'), 'StatefulSet', 'swml-redis');
  assert.equal(redis.spec.template.spec.containers[0].image, compose.services.redis.image);
});
