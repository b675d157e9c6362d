// `npm run test:kube`: the agent Deployment as rendered by the managed-redis overlay runs under
// `podman kube play` (no cluster runs on these machines) from an image built from deploy/Dockerfile,
// answers /ready, serves webhooks with the rendered config and Secrets, keeps /metrics off the public port,
// really runs non-root/read-only/without capabilities/under seccomp, and drains on SIGTERM.
//
// Changed for podman, and only these: the image (a local build) and pull policy; 1 replica (podman starts
// each replica as a pod with the same host ports); each container port published on 127.0.0.1 at a free
// port (podman 4.3 publishes container ports on the host anyway, on every interface, unless told where).
// Podman runs no probes here (its health checks need systemd): the test asks /ready itself. Redis is not
// run: REDIS_URL points at a closed port, and the agent must still be ready (limits fail open).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../helpers/agent-process.js';
import { sleep } from '../helpers/edge.js';
import { requireBinary } from '../helpers/binaries.js';
import { one, overlay, requireKubectl, type KubeObject } from '../helpers/kube.js';
import { AGENT_IMAGE, buildAgentImage, podmanEnv, run } from '../helpers/podman.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests */
const SECRETS: Record<string, Record<string, string>> = {
  'swml-agent': {
    SWML_BASIC_AUTH_USER: 'signalwire',
    SWML_BASIC_AUTH_PASSWORD: 'kube-test-basic-auth-password-0123456789abcdef',
    SWML_TOKEN_SECRET: 'kube-test-token-secret-0123456789abcdefghijklmn',
    SWML_ADMIN_TOKEN: 'kube-test-admin-token-0123456789abcdefghijklmno',
  },
  'swml-redis': { url: 'redis://:unused@127.0.0.1:1/0' },
};
const CONTAINER = 'swml-agent-pod-0-agent';

let dir = '';
let env: NodeJS.ProcessEnv = {};
let podman = '';
let playFile = '';
let publicPort = 0;
let internalPort = 0;
let deployment: KubeObject;

function podmanRun(args: string[]) {
  return run(podman, args, env);
}

before(async () => {
  podman = requireBinary('podman');
  const kubectl = requireKubectl();
  dir = mkdtempSync(join(tmpdir(), 'swml-kube-play-'));
  env = podmanEnv(dir);
  buildAgentImage(env);

  // The Secrets, made with the command docs/kubernetes.md gives; podman reads a secret's `data` map.
  for (const [name, data] of Object.entries(SECRETS)) {
    const literals = Object.entries(data).map(([k, v]) => `--from-literal=${k}=${v}`);
    const made = run(
      kubectl,
      ['create', 'secret', 'generic', name, ...literals, '--dry-run=client', '-o', 'json'],
      env,
    );
    assert.equal(made.status, 0, made.text);
    podmanRun(['secret', 'rm', name]);
    // A file, not stdin: podman accepts `-` only from a named pipe, and node's stdio pipes are sockets.
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(JSON.parse(made.stdout).data), { mode: 0o600 });
    const created = podmanRun(['secret', 'create', name, file]);
    rmSync(file);
    assert.equal(created.status, 0, created.text);
  }

  const objects = overlay('managed-redis');
  deployment = structuredClone(one(objects, 'Deployment', 'swml-agent'));
  const container = deployment.spec.template.spec.containers[0];
  const config = one(objects, 'ConfigMap', container.envFrom[0].configMapRef.name);
  publicPort = await freePort();
  internalPort = await freePort();
  deployment.spec.replicas = 1;
  container.image = AGENT_IMAGE;
  container.imagePullPolicy = 'Never';
  for (const p of container.ports) {
    p.hostIP = '127.0.0.1';
    p.hostPort = p.name === 'http' ? publicPort : internalPort;
  }
  playFile = join(dir, 'play.yaml');
  writeFileSync(playFile, [config, deployment].map((o) => stringify(o)).join('---\n'));
  const played = podmanRun(['kube', 'play', '--replace', playFile]);
  assert.equal(played.status, 0, played.text);
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${publicPort}/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the agent pod never became ready:\n${podmanRun(['logs', CONTAINER]).text}`);
});

after(() => {
  if (playFile) podmanRun(['kube', 'down', playFile]);
  for (const name of Object.keys(SECRETS)) podmanRun(['secret', 'rm', name]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the pod answers /ready and /health on the public port', async () => {
  assert.equal((await fetch(`http://127.0.0.1:${publicPort}/ready`)).status, 200);
  assert.deepEqual(await (await fetch(`http://127.0.0.1:${publicPort}/health`)).json(), { status: 'ok' });
});

test('it serves SWML with the Secret credentials and the rendered public URL base', async () => {
  const { SWML_BASIC_AUTH_USER: user, SWML_BASIC_AUTH_PASSWORD: pass } = SECRETS['swml-agent']!;
  const res = await fetch(`http://127.0.0.1:${publicPort}/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ call: { call_id: 'kube-play-1', from: '+15551230000' }, vars: {} }),
  });
  assert.equal(res.status, 200);
  const base = deployment.spec.template.spec.containers[0].env.find(
    (e: any) => e.name === 'SWML_PROXY_URL_BASE',
  );
  const text = await res.text();
  assert.match(text, new RegExp(`"web_hook_url":"https://[^"@]+@${new URL(base.value).host}/`));
});

test('/metrics is on the internal port only', async () => {
  assert.equal((await fetch(`http://127.0.0.1:${publicPort}/metrics`)).status, 404);
  const metrics = await fetch(`http://127.0.0.1:${internalPort}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^swml_build_info\{/m);
});

test('the container runs as uid 10001, read-only, with no capability, no new privileges, seccomp on', () => {
  const status = podmanRun([
    'exec',
    CONTAINER,
    'sh',
    '-c',
    'id -u; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/1/status',
  ]);
  assert.equal(status.status, 0, status.text);
  assert.match(status.stdout, /^10001\n/);
  assert.match(status.stdout, /CapEff:\s+0000000000000000/);
  assert.match(status.stdout, /NoNewPrivs:\s+1/);
  assert.match(status.stdout, /Seccomp:\s+2/);
  const write = podmanRun(['exec', CONTAINER, 'sh', '-c', 'touch /app/x']);
  assert.notEqual(write.status, 0);
  assert.match(write.text, /Read-only file system/);
});

test('the documented admin command works inside the pod (swml-guard status, admin token from the Secret)', () => {
  const status = podmanRun(['exec', CONTAINER, 'node', 'bin/swml-guard.js', 'status', '--json']);
  assert.equal(status.status, 0, status.text);
  assert.equal((JSON.parse(status.stdout) as { level: string }).level, 'off');
});

test('SIGTERM drains and exits 0 within the grace period', () => {
  const grace = String(deployment.spec.template.spec.terminationGracePeriodSeconds);
  const stopped = podmanRun(['stop', '-t', grace, CONTAINER]);
  assert.equal(stopped.status, 0, stopped.text);
  const state = podmanRun(['inspect', CONTAINER, '--format', '{{.State.ExitCode}}']);
  assert.equal(state.stdout.trim(), '0', podmanRun(['logs', CONTAINER]).text);
  const logs = podmanRun(['logs', CONTAINER]).text;
  assert.match(logs, /"msg":"draining/);
  assert.match(logs, /"msg":"stopped"/);
});
