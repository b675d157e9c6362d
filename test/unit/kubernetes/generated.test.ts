// deploy/kubernetes holds generated copies of the alert rules and dashboards (`npm run kube:generate`):
// they must match their sources, so a rule or dashboard change without regeneration fails `npm test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staleKubeFiles } from '../../../deploy/scripts/kube-generate.js';

test('the generated PrometheusRules and dashboard ConfigMaps match their sources', () => {
  assert.deepEqual(staleKubeFiles(), [], 'stale: run `npm run kube:generate` and commit the result');
});
