// Runs node's test runner over test/<suite>/**/*.test.ts with tsx (Node 20 has no --test globs).
import { readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const suites = process.argv.slice(2);
if (suites.length === 0) {
  console.error('usage: node test/run.mjs <suite> [suite...]  (suites are folders under test/)');
  process.exit(2);
}

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = suites.flatMap((s) => collect(join(root, s)));
if (files.length === 0) {
  console.error(`no test files found in: ${suites.join(', ')}`);
  process.exit(1);
}
const concurrency =
  process.env.TEST_CONCURRENCY ?? (suites.some((s) => s !== 'unit' && s !== 'integration') ? '1' : '2');
// A test that fails can leave a child process or socket open; without these the file (and CI) would wait on it
// forever. Every test gets at most 5 minutes unless it sets its own timeout, and each file's process exits once
// its tests are done, whatever handles remain.
const testTimeout = process.env.TEST_TIMEOUT_MS ?? '300000';
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${testTimeout}`,
    '--test-force-exit',
    '--test-reporter=spec',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
