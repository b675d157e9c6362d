#!/usr/bin/env node
// The `swml-guard` command. Runs the compiled CLI (dist/) when the package is built; from a clone without a
// build, registers tsx and runs the TypeScript sources. SWML_GUARD_FROM_SOURCE=1 forces the sources (a stale
// dist/ in a working copy would otherwise hide your changes).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/index.js', import.meta.url);
const source = new URL('../src/cli/index.ts', import.meta.url);
const forceSource = process.env.SWML_GUARD_FROM_SOURCE === '1' && existsSync(source);

if (existsSync(compiled) && !forceSource) {
  await import(compiled.href);
} else if (existsSync(source)) {
  try {
    // Both hooks: a .ts file outside a "type": "module" package is CommonJS to Node, ESM elsewhere.
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    cjs.register();
    esm.register();
  } catch {
    process.stderr.write(
      'swml-guard: the CLI is not built and tsx is not installed.\nfix: run `npm ci` (tsx is a dev dependency), or `npm run build`.\n',
    );
    process.exit(1);
  }
  await import(source.href);
} else {
  process.stderr.write(
    'swml-guard: dist/cli/index.js is missing.\nfix: reinstall the package, or run `npm run build`.\n',
  );
  process.exit(1);
}
