// Runs `node bin/swml-guard.js ...` as a subprocess (the way users run it) and collects its output.
import { spawn } from 'node:child_process';
import { ROOT } from '../../helpers/agent-process.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: only what the CLI needs, plus `env`. The TypeScript sources run, never a stale dist/. */
export function cliEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    SWML_GUARD_FROM_SOURCE: '1',
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
      cwd: opts.cwd ?? ROOT,
      env: cliEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
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
