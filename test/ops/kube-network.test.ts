// Who reaches what, from the rendered objects: the Ingress routes only the webhook paths to the public
// port (/metrics and /admin reach nothing), the internal port has its own Service and never an Ingress,
// and the NetworkPolicies let only the ingress controller in on the public port, only Prometheus on the
// internal one, and the agent out to DNS and Redis only. Asked as an attacker would ask a CNI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KUBE_DIR, NAMESPACE, OVERLAYS, all, one, overlay } from '../helpers/kube.js';
import { allowed, isolated, type Pod } from '../helpers/netpol.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- rendered manifests */
const agent: Pod = {
  namespace: NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'swml-guard', 'app.kubernetes.io/component': 'agent' },
  ports: { http: 3000, metrics: 9464 },
};
const redisPod: Pod = {
  namespace: NAMESPACE,
  labels: { 'app.kubernetes.io/name': 'swml-guard', 'app.kubernetes.io/component': 'redis' },
  ports: { redis: 6379 },
};
const controller: Pod = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
const prometheus: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
const dns: Pod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
const neighbour: Pod = { namespace: NAMESPACE, labels: { app: 'something-else' } };
/** Same labels as the controller, in a namespace an attacker may own. */
const impostor: Pod = { namespace: 'team-sandbox', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
const HTTP = { port: 3000, name: 'http' };
const METRICS = { port: 9464, name: 'metrics' };

/** Kubernetes Ingress path matching: Exact, or Prefix by whole path elements. */
function routed(ingress: any, path: string): any {
  const paths = ingress.spec.rules.flatMap((r: any) => r.http.paths);
  const hits = paths.filter((p: any) =>
    p.pathType === 'Exact'
      ? p.path === path
      : path === p.path || path.startsWith(p.path.endsWith('/') ? p.path : `${p.path}/`),
  );
  return hits.sort((a: any, b: any) => b.path.length - a.path.length)[0];
}

for (const name of OVERLAYS) {
  const objects = () => overlay(name);
  const policies = () => all(objects(), 'NetworkPolicy');

  test(`${name}: one Service per port; neither is exposed outside the cluster`, () => {
    const pub = one(objects(), 'Service', 'swml-agent');
    const internal = one(objects(), 'Service', 'swml-agent-internal');
    assert.deepEqual(
      pub.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
      [['http', 3000, 'http']],
    );
    assert.deepEqual(
      internal.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
      [['metrics', 9464, 'metrics']],
    );
    for (const s of all(objects(), 'Service')) {
      assert.ok([undefined, 'ClusterIP'].includes(s.spec.type), `${s.metadata.name}: ${s.spec.type}`);
    }
  });

  test(`${name}: the Ingress routes the webhooks, and /metrics and /admin reach nothing`, () => {
    const ing = one(objects(), 'Ingress', 'swml-agent');
    for (const path of ['/', '/swaig', '/swaig/', '/post_prompt', '/post_prompt/', '/health']) {
      assert.equal(routed(ing, path)?.backend.service.name, 'swml-agent', path);
    }
    for (const path of ['/metrics', '/metrics/', '/admin', '/admin/emergency', '/admin/functions/x', '/x']) {
      assert.equal(routed(ing, path), undefined, `${path} must not be routed`);
    }
    const text = JSON.stringify(ing);
    assert.doesNotMatch(text, /swml-agent-internal|"metrics"|9464/, 'the internal port is never a backend');
  });

  test(`${name}: HTTPS from cert-manager for SWML_DOMAIN, which is also the agent's public URL base`, () => {
    const ing = one(objects(), 'Ingress', 'swml-agent');
    const c = one(objects(), 'Deployment', 'swml-agent').spec.template.spec.containers[0];
    const domain = one(objects(), 'ConfigMap', c.envFrom[0].configMapRef.name).data!.SWML_DOMAIN!;
    assert.match(domain, /^[a-z0-9.-]+$/);
    assert.equal(ing.spec.ingressClassName, 'nginx');
    assert.ok(ing.metadata.annotations?.['cert-manager.io/cluster-issuer']);
    assert.equal(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/force-ssl-redirect'], 'true');
    assert.deepEqual(
      ing.spec.rules.map((r: any) => r.host),
      [domain],
    );
    assert.deepEqual(ing.spec.tls, [{ hosts: [domain], secretName: 'swml-agent-tls' }]);
    const value = (n: string) => c.env.find((e: any) => e.name === n)?.value;
    assert.equal(value('SWML_PROXY_URL_BASE'), `https://${domain}`);
    assert.equal(value('SWML_TRUST_PROXY'), '1', 'exactly one trusted hop: the ingress controller');
    assert.equal(value('METRICS_HOST'), '0.0.0.0', 'reachable by Prometheus (and fenced by policy)');
  });

  test(`${name}: only the ingress controller reaches the public port, only Prometheus the internal one`, () => {
    const p = policies();
    assert.ok(isolated(p, agent, 'Ingress') && isolated(p, agent, 'Egress'), 'agent pods are isolated');
    assert.ok(allowed(p, controller, agent, HTTP));
    assert.ok(!allowed(p, controller, agent, METRICS), 'the controller cannot reach /metrics or /admin');
    assert.ok(allowed(p, prometheus, agent, METRICS));
    assert.ok(!allowed(p, prometheus, agent, HTTP));
    for (const peer of [neighbour, impostor, { ip: '203.0.113.7' }]) {
      assert.ok(!allowed(p, peer, agent, HTTP), `${JSON.stringify(peer)} -> http`);
      assert.ok(!allowed(p, peer, agent, METRICS), `${JSON.stringify(peer)} -> metrics`);
    }
  });

  test(`${name}: the agent reaches DNS and Redis, and nothing else`, () => {
    const p = policies();
    assert.ok(allowed(p, agent, dns, { port: 53, protocol: 'UDP' }));
    assert.ok(allowed(p, agent, dns, { port: 53, protocol: 'TCP' }));
    if (name === 'in-cluster-redis') assert.ok(allowed(p, agent, redisPod, { port: 6379, name: 'redis' }));
    else assert.ok(allowed(p, agent, { ip: '10.20.30.40' }, { port: 6379 }));
    for (const [to, port] of [
      [{ ip: '203.0.113.7' }, 443],
      [{ ip: '203.0.113.7' }, 6379],
      [{ ip: '10.20.30.40' }, 443],
      [{ ip: '169.254.169.254' }, 80], // cloud metadata endpoint
      [dns, 443],
      [neighbour, 3000],
      [agent, 9464],
    ] as const) {
      assert.ok(!allowed(p, agent, to, { port }), `agent -> ${JSON.stringify(to)}:${port} must be refused`);
    }
  });
}

test('in-cluster-redis: Redis takes connections from the agent only, and opens none', () => {
  const p = all(overlay('in-cluster-redis'), 'NetworkPolicy');
  const port = { port: 6379, name: 'redis' };
  assert.ok(allowed(p, agent, redisPod, port));
  for (const peer of [neighbour, controller, prometheus, { ip: '10.1.2.3' }]) {
    assert.ok(!allowed(p, peer, redisPod, port), JSON.stringify(peer));
  }
  assert.ok(isolated(p, redisPod, 'Egress'));
  assert.ok(!allowed(p, redisPod, dns, { port: 53, protocol: 'UDP' }));
});

test('ingress-nginx values: client IPs kept, client-sent forwarding headers ignored, no snippets', () => {
  const values = parse(readFileSync(join(KUBE_DIR, 'ingress-nginx', 'values.yaml'), 'utf8')) as {
    controller: {
      allowSnippetAnnotations: boolean;
      service: Record<string, string>;
      config: Record<string, string>;
    };
  };
  const { controller } = values;
  assert.equal(controller.service.externalTrafficPolicy, 'Local', 'no source NAT in front of nginx');
  assert.equal(
    controller.config['use-forwarded-headers'],
    'false',
    'X-Forwarded-For set, not passed through',
  );
  assert.equal(controller.config['compute-full-forwarded-for'], 'false');
  assert.equal(controller.allowSnippetAnnotations, false);
  // The access log itself is exercised in a real nginx by test/stack/kube-ingress-log.test.ts.
  assert.doesNotMatch(
    controller.config['log-format-upstream']!,
    /\$request\b|\$request_uri|\$args|\$query_string|\$http_authorization|\$remote_user/,
  );
});
