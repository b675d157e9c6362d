import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertFreshBuild } from '../../src/build-check.js';

const root = mkdtempSync(join(tmpdir(), 'swml-build-check-'));
after(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, secondsAgo: number): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, '');
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(full, t, t);
  return full;
}

describe('assertFreshBuild: a stale dist/ in a clone is never used silently', () => {
  const entry = file('dist/cli/index.js', 60);
  const url = pathToFileURL(entry).href;

  it('passes when every source file is older than the build', () => {
    file('src/agent/agent-base.ts', 120);
    assert.doesNotThrow(() => assertFreshBuild(url));
  });

  it('stops with the file that changed and the fix when a source file is newer', () => {
    file('src/swml/render.ts', 1);
    assert.throws(
      () => assertFreshBuild(url),
      (err: Error & { code?: string }) =>
        err.code === 'ERR_SWML_STALE_BUILD' &&
        err.message.includes('src/swml/render.ts changed after the last build') &&
        err.message.includes('npm run build'),
    );
  });

  it('never checks an installed package (no src/ beside dist/) nor the TypeScript sources', () => {
    const installed = mkdtempSync(join(tmpdir(), 'swml-installed-'));
    mkdirSync(join(installed, 'dist'));
    writeFileSync(join(installed, 'dist', 'index.js'), '');
    assert.doesNotThrow(() => assertFreshBuild(pathToFileURL(join(installed, 'dist', 'index.js')).href));
    rmSync(installed, { recursive: true, force: true });
    assert.doesNotThrow(() => assertFreshBuild(pathToFileURL(join(root, 'src', 'index.ts')).href));
  });
});
