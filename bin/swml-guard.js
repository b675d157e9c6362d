#!/usr/bin/env node
// The `swml-guard` command. An installed package (no src/) runs the compiled dist/. A clone runs the TypeScript
// sources through tsx, always: a dist/ left from an earlier build is never used there, so edits take effect
// without a build, and `import ... from 'swml-guard'` in an agent module resolves to the same sources.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const compiled = new URL('../dist/cli/index.js', import.meta.url);
const source = new URL('../src/cli/index.ts', import.meta.url);

/** Maps the bare name `swml-guard` to src/index.ts (one module instance with the CLI's own sources). */
function resolveSelfToSources() {
  const target = JSON.stringify(new URL('../src/index.ts', import.meta.url).href);
  const hook = `export async function resolve(specifier, context, next) {
  return next(specifier === 'swml-guard' ? ${target} : specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

async function tsxAvailable() {
  try {
    // Both hooks: a .ts file outside a "type": "module" package is CommonJS to Node, ESM elsewhere.
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    cjs.register();
    esm.register();
    return true;
  } catch {
    return false;
  }
}

function fail(message) {
  process.stderr.write(`swml-guard: ${message}\n`);
  process.exit(1);
}

try {
  if (existsSync(source) && (await tsxAvailable())) {
    resolveSelfToSources();
    await import(source.href);
  } else if (existsSync(compiled)) {
    // A clone without dev dependencies: dist/ refuses to run when src/ is newer (ERR_SWML_STALE_BUILD).
    await import(compiled.href);
  } else if (existsSync(source)) {
    fail(
      'this clone has neither tsx nor a build.\nfix: run `npm ci` (tsx is a dev dependency), or `npm run build`.',
    );
  } else {
    fail('dist/cli/index.js is missing.\nfix: reinstall the package.');
  }
} catch (err) {
  if (err?.code !== 'ERR_SWML_STALE_BUILD') throw err;
  fail(err.message.replace(/^swml-guard: /, '').replace(' Fix: ', '\nfix: '));
}
