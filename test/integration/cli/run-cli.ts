// Runs `node bin/swml-guard.js ...` as a subprocess (the way users run it) and collects its output.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/agent-process.js';

/** An empty folder: the CLI reads .env from its working directory, and a developer's own must not leak in. */
export const EMPTY_CWD = mkdtempSync(join(tmpdir(), 'swml-cli-cwd-'));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: only what the CLI needs, plus `env`. In a clone the bin always runs the sources. */
export function cliEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
  };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}bin/swml-guard.js`, ...args], {
      cwd: opts.cwd ?? EMPTY_CWD,
      env: cliEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** No stack trace, file path of ours, or exception class name leaks into what the user sees. */
export function assertNoStack(text: string): void {
  if (/\n\s+at .+:\d+:\d+/.test(text) || /node:internal|src\/cli\//.test(text)) {
    throw new Error(`output holds a stack trace:\n${text}`);
  }
}
