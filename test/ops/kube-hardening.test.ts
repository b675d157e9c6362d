// The hardening of every rendered workload, object by object (issue 15): non-root, read-only root
// filesystem, no capabilities, seccomp, requests and limits, probes, a grace period longer than the
// agent's drain, the disruption budget, topology spread, and secrets that come only from Secrets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OVERLAYS, all, one, overlay, selects, type KubeObject } from '../helpers/kube.js';
import { ENV } from '../../src/config/options.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- rendered manifests */
const AGENT = { 'app.kubernetes.io/name': 'swml-guard', 'app.kubernetes.io/component': 'agent' };
/** Settings that are secrets (SWML_TOKEN_TTL is not; SWML_TOKEN_SECRET and SWML_ADMIN_TOKEN are). */
const SECRET_NAME = /PASSWORD|_SECRET|ADMIN_TOKEN|SIGNING_KEY|REDIS_URL/;

function podSpec(workload: KubeObject): any {
  return workload.spec.template.spec;
}
function agentContainer(objects: KubeObject[]): any {
  return podSpec(one(objects, 'Deployment', 'swml-agent')).containers.find((c: any) => c.name === 'agent');
}
function env(container: any, name: string): any {
  return container.env.find((e: any) => e.name === name);
}

for (const name of OVERLAYS) {
  const objects = () => overlay(name);
  const workloads = () => [...all(objects(), 'Deployment'), ...all(objects(), 'StatefulSet')];

  test(`${name}: every workload runs non-root, read-only, with no capability, under seccomp RuntimeDefault`, () => {
    assert.ok(workloads().length >= 1);
    for (const w of workloads()) {
      const spec = podSpec(w);
      const where = `${w.kind} ${w.metadata.name}`;
      assert.equal(spec.securityContext?.runAsNonRoot, true, where);
      assert.ok(spec.securityContext?.runAsUser > 0, `${where}: a numeric non-zero runAsUser`);
      assert.equal(spec.securityContext?.seccompProfile?.type, 'RuntimeDefault', where);
      assert.equal(spec.automountServiceAccountToken, false, `${where}: no API token in the pod`);
      assert.equal(spec.enableServiceLinks, false, `${where}: no SWML_*_PORT service-link variables`);
      for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) assert.notEqual(spec[key], true, where);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const sc = c.securityContext ?? {};
        assert.equal(sc.allowPrivilegeEscalation, false, `${where}/${c.name}`);
        assert.equal(sc.readOnlyRootFilesystem, true, `${where}/${c.name}`);
        assert.notEqual(sc.privileged, true, `${where}/${c.name}`);
        assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${where}/${c.name}`);
        assert.equal(sc.capabilities?.add, undefined, `${where}/${c.name}`);
        for (const kind of ['requests', 'limits']) {
          for (const r of ['cpu', 'memory'])
            assert.ok(c.resources?.[kind]?.[r], `${where}/${c.name} ${kind}.${r}`);
        }
        assert.match(c.image, /(:[\w.-]+|@sha256:[0-9a-f]{64})$/, `${where}/${c.name}: image pinned`);
        assert.doesNotMatch(c.image, /:latest$/, `${where}/${c.name}`);
      }
    }
  });

  test(`${name}: the agent has 3 replicas, rolls without losing one, and probes /ready and /health`, () => {
    const d = one(objects(), 'Deployment', 'swml-agent');
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, 0);
    const c = agentContainer(objects());
    const http = c.ports.find((p: any) => p.name === 'http');
    assert.equal(http.containerPort, 3000);
    for (const [probe, path] of [
      ['readinessProbe', '/ready'],
      ['livenessProbe', '/health'],
      ['startupProbe', '/health'],
    ] as const) {
      assert.equal(c[probe]?.httpGet?.path, path, probe);
      assert.equal(c[probe]?.httpGet?.port, 'http', `${probe} on the public port`);
    }
  });

  test(`${name}: terminationGracePeriodSeconds outlasts preStop + the agent's drain`, () => {
    const spec = podSpec(one(objects(), 'Deployment', 'swml-agent'));
    const c = agentContainer(objects());
    const config = one(objects(), 'ConfigMap', c.envFrom[0].configMapRef.name).data ?? {};
    const timeoutMs = Number(
      env(c, 'SWML_FUNCTION_TIMEOUT_MS')?.value ??
        config.SWML_FUNCTION_TIMEOUT_MS ??
        ENV.SWML_FUNCTION_TIMEOUT_MS.default,
    );
    // src/http/serve.ts: in-flight requests get the tool timeout + 5 s before connections are cut.
    const drainS = (timeoutMs + 5_000) / 1000;
    const preStop = c.lifecycle?.preStop?.exec?.command?.join(' ') ?? '';
    const preStopS = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(preStop)?.[1] ?? NaN) / 1000;
    assert.ok(preStopS > 0, `preStop keeps serving while endpoints update: ${preStop}`);
    assert.ok(
      spec.terminationGracePeriodSeconds > preStopS + drainS + 5,
      `grace ${spec.terminationGracePeriodSeconds}s vs preStop ${preStopS}s + drain ${drainS}s + 5s to close`,
    );
  });

  test(`${name}: a PodDisruptionBudget keeps 2 of 3 agents through drains, and never blocks one`, () => {
    const pdb = one(objects(), 'PodDisruptionBudget', 'swml-agent');
    assert.ok(selects(pdb.spec.selector, AGENT));
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.equal(pdb.spec.minAvailable, undefined);
    assert.equal(pdb.spec.unhealthyPodEvictionPolicy, 'AlwaysAllow');
  });

  test(`${name}: replicas are spread one per node (hard) and across zones (soft)`, () => {
    const spread = podSpec(one(objects(), 'Deployment', 'swml-agent')).topologySpreadConstraints;
    const byKey = new Map(spread.map((s: any) => [s.topologyKey, s]));
    const host: any = byKey.get('kubernetes.io/hostname');
    assert.ok(host && selects(host.labelSelector, AGENT));
    assert.equal(host.whenUnsatisfiable, 'DoNotSchedule');
    assert.equal(host.maxSkew, 1);
    assert.ok(byKey.get('topology.kubernetes.io/zone'));
  });

  test(`${name}: every secret reaches the agent from a Secret, never as a literal value`, () => {
    const c = agentContainer(objects());
    for (const e of c.env) {
      if (!SECRET_NAME.test(e.name)) continue;
      // REDIS_URL may embed $(REDIS_PASSWORD), which Kubernetes fills in from the Secret.
      if (e.value !== undefined) assert.match(e.value, /^[^:]*:\/\/:\$\(REDIS_PASSWORD\)@/, e.name);
      else assert.ok(e.valueFrom?.secretKeyRef, e.name);
    }
    for (const required of ['SWML_BASIC_AUTH_PASSWORD', 'SWML_TOKEN_SECRET', 'SWML_ADMIN_TOKEN']) {
      const ref = env(c, required)?.valueFrom?.secretKeyRef;
      assert.equal(ref?.name, 'swml-agent', required);
      assert.notEqual(ref?.optional, true, `${required} is required: no pod starts without it`);
    }
    for (const cm of all(objects(), 'ConfigMap')) {
      if (cm.metadata.labels?.grafana_dashboard || cm.metadata.labels?.grafana_datasource) continue;
      for (const key of Object.keys(cm.data ?? {}))
        assert.doesNotMatch(key, SECRET_NAME, `${key} in a ConfigMap`);
    }
  });
}
