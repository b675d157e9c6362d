// Refuses a stale build in a working copy: dist/ older than src/ would silently run yesterday's code.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest file under `dir` (path and mtime), or undefined for an empty or missing folder. */
function newest(dir: string): { path: string; mtimeMs: number } | undefined {
  let best: { path: string; mtimeMs: number } | undefined;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory() ? newest(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (found && (!best || found.mtimeMs > best.mtimeMs)) best = found;
  }
  return best;
}

/**
 * Called by the compiled entry points (dist/index.js, dist/cli/index.js). An installed package has no
 * src/ beside dist/, so this costs one failed readdir. In a clone, a source file newer than the build means
 * dist/ no longer matches what the developer reads and edits: stop with the fix instead of running it.
 * Running from the TypeScript sources (tsx) needs no check.
 */
export function assertFreshBuild(moduleUrl: string): void {
  if (!moduleUrl.startsWith('file:') || /\.[cm]?ts$/.test(moduleUrl)) return;
  const built = fileURLToPath(moduleUrl);
  const at = built.lastIndexOf(`${sep}dist${sep}`);
  if (at < 0) return;
  const root = built.slice(0, at);
  const changed = newest(join(root, 'src'));
  if (!changed || changed.mtimeMs <= statSync(built).mtimeMs) return;
  const err = new Error(
    `swml-guard: dist/ is older than src/ (${relative(root, changed.path)} changed after the last build), so it would run old code. ` +
      'Fix: run `npm run build`, or run the sources: `npx swml-guard ...` and tsx do in a clone.',
  );
  throw Object.assign(err, { code: 'ERR_SWML_STALE_BUILD' });
}
