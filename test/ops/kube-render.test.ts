// deploy/kubernetes: every overlay renders with `kubectl kustomize`, every object passes the Kubernetes and
// prometheus-operator schemas (kubernetes-models), no field is unknown to the API, references resolve,
// no Secret is ever rendered. (The generated rules and dashboards are checked in test/unit/kubernetes.)
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { KUBE_DIR, NAMESPACE, OVERLAYS, all, one, overlay, render, requireKubectl } from '../helpers/kube.js';
import { schemaErrors, unknownFieldErrors } from '../helpers/kube-schema.js';

/** Objects that live outside any namespace. */
const CLUSTER_SCOPED = new Set(['Namespace']);

before(() => {
  requireKubectl();
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

test('the overlays are the two Redis choices the docs describe', () => {
  assert.deepEqual(OVERLAYS, ['in-cluster-redis', 'managed-redis']);
});

test('the base renders alone too (the building block of your own overlay)', () => {
  const objects = render(join(KUBE_DIR, 'base'));
  assert.ok(one(objects, 'Deployment', 'swml-agent'));
});

test('no Secret is generated or written anywhere in deploy/kubernetes: they are created by the operator', () => {
  for (const file of files(KUBE_DIR)) {
    const text = readFileSync(file, 'utf8');
    const name = relative(KUBE_DIR, file);
    assert.doesNotMatch(text, /^\s*secretGenerator:/m, `${name} generates a Secret`);
    assert.doesNotMatch(text, /^kind:\s*Secret\s*$/m, `${name} holds a Secret`);
  }
});

for (const name of OVERLAYS) {
  describe(`overlay ${name}`, () => {
    test('renders, with no Secret and every namespaced object in the swml-guard namespace', () => {
      const objects = overlay(name);
      assert.ok(objects.length > 10, `only ${objects.length} objects rendered`);
      assert.deepEqual(all(objects, 'Secret'), []);
      for (const o of objects) {
        if (CLUSTER_SCOPED.has(o.kind)) assert.equal(o.metadata.namespace, undefined);
        else assert.equal(o.metadata.namespace, NAMESPACE, `${o.kind} ${o.metadata.name}`);
      }
      const ns = one(objects, 'Namespace', NAMESPACE);
      assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    });

    test('every object is valid against its Kubernetes / prometheus-operator schema', async () => {
      const problems: string[] = [];
      for (const o of overlay(name)) {
        for (const e of await schemaErrors(o)) problems.push(`${o.kind} ${o.metadata.name}: ${e}`);
      }
      assert.deepEqual(problems, []);
    });

    test('every ConfigMap and Service a workload or Ingress refers to is rendered', () => {
      const objects = overlay(name);
      const configMaps = new Set(all(objects, 'ConfigMap').map((o) => o.metadata.name));
      const text = JSON.stringify(objects);
      const refs = [...text.matchAll(/"configMapRef":\{"name":"([^"]+)"/g)].map((m) => m[1]);
      assert.ok(refs.length > 0, 'the agent reads its settings from a ConfigMap');
      for (const ref of refs)
        assert.ok(configMaps.has(ref!), `ConfigMap ${ref} is referenced but not rendered`);
      const services = new Map(all(objects, 'Service').map((s) => [s.metadata.name, s]));
      for (const ing of all(objects, 'Ingress')) {
        for (const rule of ing.spec.rules) {
          for (const p of rule.http.paths) {
            const svc = services.get(p.backend.service.name);
            assert.ok(svc, `Ingress backend ${p.backend.service.name} is not rendered`);
            const ports = svc.spec.ports.map((x: { name: string }) => x.name);
            assert.ok(ports.includes(p.backend.service.port.name), `port ${p.backend.service.port.name}`);
          }
        }
      }
    });

    test('only the Secrets swml-agent and swml-redis are referenced, by key', () => {
      const names = new Set(
        [...JSON.stringify(overlay(name)).matchAll(/"secretKeyRef":\{[^}]*"name":"([^"]+)"/g)].map(
          (m) => m[1],
        ),
      );
      assert.deepEqual([...names].sort(), ['swml-agent', 'swml-redis']);
    });
  });
}

test('no field of any rendered object is unknown to the API (a misspelled field would be dropped or refused)', () => {
  const objects = OVERLAYS.flatMap((name) => overlay(name));
  assert.deepEqual(unknownFieldErrors(objects), []);
});

test('the unknown-field check does catch a misspelled hardening field', () => {
  const deployment = structuredClone(one(overlay(OVERLAYS[0]!), 'Deployment', 'swml-agent'));
  deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
  const errors = unknownFieldErrors([deployment]);
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /readOnlyRootFileSystem/);
});
