// Renders deploy/kubernetes overlays with `kubectl kustomize` (offline, no cluster) and looks objects up.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './agent-process.js';

export const KUBE_DIR = join(ROOT, 'deploy', 'kubernetes');
/** Every overlay a user may deploy: each is rendered and checked by the kube tests. */
export const OVERLAYS = readdirSync(join(KUBE_DIR, 'overlays')).sort();
export const NAMESPACE = 'swml-guard';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped JSON; tests check them */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const INSTALL =
  "kubectl with kustomize v5 is needed (Debian 12's kubernetes-client is 1.20, kustomize v2: too old). " +
  'Run `bash deploy/scripts/ensure-kubectl.sh` (it prints the path of a suitable kubectl, fetching Debian ' +
  "13's kubectl package into a cache when needed) and set KUBECTL to that path, as .ci/run does.";

let cached: string | undefined;

/** kubectl from $KUBECTL or PATH, checked to embed kustomize v5 or later; otherwise a loud error. */
export function requireKubectl(): string {
  if (cached) return cached;
  const bin = process.env.KUBECTL || 'kubectl';
  let version: { kustomizeVersion?: string };
  try {
    version = JSON.parse(
      execFileSync(bin, ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: 'pipe' }),
    ) as { kustomizeVersion?: string };
  } catch {
    throw new Error(`no working kubectl at "${bin}". ${INSTALL}`);
  }
  const major = /^v(\d+)\./.exec(version.kustomizeVersion ?? '')?.[1];
  if (!major || Number(major) < 5) {
    throw new Error(`"${bin}" has kustomize ${version.kustomizeVersion ?? '(none)'}. ${INSTALL}`);
  }
  cached = bin;
  return bin;
}

/** `kubectl kustomize <dir>`: the objects, or an error carrying kustomize's own message. */
export function render(dir: string): KubeObject[] {
  const result = spawnSync(requireKubectl(), ['kustomize', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`unparsable kustomize output: ${doc.errors[0]?.message}`);
    return doc.toJS() as KubeObject;
  });
}

const renders = new Map<string, KubeObject[]>();
/** The objects of overlay `name` (rendered once per test file). */
export function overlay(name: string): KubeObject[] {
  let objects = renders.get(name);
  if (!objects) {
    objects = render(join(KUBE_DIR, 'overlays', name));
    renders.set(name, objects);
  }
  return objects;
}

export function all(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** Exactly one object of that kind (and name): a missing or duplicated one fails the test. */
export function one(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  }
  return found[0]!;
}

/** Does a label selector's matchLabels select these labels? (matchExpressions are not used in the kit.) */
export function selects(selector: { matchLabels?: Record<string, string> } | undefined, labels = {}) {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return wanted.every(([k, v]) => (labels as Record<string, string>)[k] === v);
}
