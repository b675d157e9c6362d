// Loads a user's agent module (TypeScript or JavaScript) for `serve` and `doctor`; the demo agent by default.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentBase } from '../agent/agent-base.js';
import { createBankAgent } from '../demo/bank-agent.js';
import { describeLoadError } from './load-error.js';
import { CliError } from './output.js';

const TS = /\.(ts|mts|cts|tsx)$/;

export interface LoadedAgent {
  agent: AgentBase;
  /** What was loaded, for messages: the absolute path, or "the demo agent". */
  source: string;
}

/** An AgentBase from this package or another copy of it: checked by shape, not by class identity. */
function isAgent(value: unknown): value is AgentBase {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.route === 'string' && v.tools instanceof Map;
}

/** TypeScript needs tsx: already there when the CLI itself runs from src/, registered on demand otherwise. */
async function ensureTypeScript(path: string): Promise<void> {
  if (!TS.test(path) || import.meta.url.endsWith('.ts')) return;
  try {
    // Both hooks: a .ts file outside a "type": "module" package is CommonJS to Node, ESM elsewhere.
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    cjs.register();
    esm.register();
  } catch {
    throw new CliError(`${path} is TypeScript, and tsx (needed to load it) is not installed`, {
      fix: 'run `npm install --save-dev tsx`, or compile the module to JavaScript and pass the .js file',
    });
  }
}

/**
 * Resolves `spec` (a path relative to `cwd`) and returns its agent: `export default` an AgentBase or a
 * (possibly async) function returning one, or `export const agent`. No spec: the demo bank agent.
 */
export async function loadAgent(spec: string | undefined, cwd: string): Promise<LoadedAgent> {
  if (spec === undefined || spec === '') return { agent: createBankAgent(), source: 'the demo agent' };
  const path = resolve(cwd, spec);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new CliError(`agent module not found: ${path}`, {
      fix: 'pass the path of your agent file relative to the current folder (e.g. `swml-guard serve ./agent.ts`)',
    });
  }
  await ensureTypeScript(path);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    const syntax = err instanceof Error && err.name === 'TransformError';
    throw new CliError(describeLoadError(err, path), {
      fix: syntax
        ? 'correct the syntax at that line (tsx compiles without type checking: `npx tsc --noEmit` finds type errors)'
        : 'correct the code at that line; the module runs when it is loaded, before any call',
    });
  }
  let candidate: unknown = mod.default ?? mod.agent;
  // `export default { default: agent }` happens when a CommonJS module is imported.
  if (!isAgent(candidate) && candidate && typeof candidate === 'object' && 'default' in candidate) {
    candidate = candidate.default;
  }
  if (typeof candidate === 'function') {
    try {
      candidate = await (candidate as () => unknown)();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new CliError(`the agent factory exported by ${path} failed: ${reason}`, {
        fix: 'export a function that returns an AgentBase (not a class), or the agent itself',
      });
    }
  }
  if (!isAgent(candidate)) {
    throw new CliError(`${path} does not export an agent`, {
      fix: '`export default agent` (an AgentBase), `export default () => agent`, or `export const agent = ...`',
    });
  }
  return { agent: candidate, source: path };
}
