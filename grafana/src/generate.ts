// Generates grafana/dashboards/*.json from the TypeScript sources (`npm run dashboards`);
/* eslint-disable @typescript-eslint/no-deprecated -- the classic dashboard model (schemaVersion 4x) is what Grafana's
   file provisioning loads; the SDK marks it deprecated in favour of the v2 schema, which needs Grafana 12 feature flags. */
// `--check` compares instead of writing and exits 1 when the committed JSON is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { functionCalls } from './function-calls.js';
import { securityOverview } from './security-overview.js';
import { trafficHealth } from './traffic-health.js';

/** Where the JSON goes; docker-compose.yml mounts this folder at /var/lib/grafana/dashboards. */
export const DASHBOARDS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboards');

const SOURCES: Record<string, () => Dashboard> = {
  'security-overview.json': securityOverview,
  'function-calls.json': functionCalls,
  'traffic-health.json': trafficHealth,
};

/**
 * Grafana wants a unique id per panel (numbering in order keeps the output stable) and expects
 * `annotations.list` / `templating.list` arrays, which the builder leaves out when empty.
 */
function normalize(dashboard: Dashboard): Dashboard {
  let id = 0;
  for (const panel of dashboard.panels ?? []) panel.id = ++id;
  dashboard.annotations = { list: [], ...dashboard.annotations };
  dashboard.templating = { list: [], ...dashboard.templating };
  return dashboard;
}

/** File name -> JSON text, exactly as written to grafana/dashboards. */
export function renderDashboards(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, build] of Object.entries(SOURCES)) {
    out.set(file, `${JSON.stringify(normalize(build()), null, 2)}\n`);
  }
  return out;
}

/** Names of the committed files that differ from (or are missing next to) the generated output. */
export function staleDashboards(dir = DASHBOARDS_DIR): string[] {
  const stale: string[] = [];
  for (const [file, json] of renderDashboards()) {
    let committed: string | undefined;
    try {
      committed = readFileSync(join(dir, file), 'utf8');
    } catch {
      committed = undefined;
    }
    if (committed !== json) stale.push(file);
  }
  return stale;
}

function main(argv: string[]): number {
  if (argv.includes('--check')) {
    const stale = staleDashboards();
    if (stale.length > 0) {
      console.error(`stale dashboards (run \`npm run dashboards\` and commit): ${stale.join(', ')}`);
      return 1;
    }
    console.log('dashboards are up to date');
    return 0;
  }
  for (const [file, json] of renderDashboards()) {
    writeFileSync(join(DASHBOARDS_DIR, file), json);
    console.log(`wrote grafana/dashboards/${file}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
