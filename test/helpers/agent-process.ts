// Starts the agent (src/main.ts, or a given entry) as a real process on 127.0.0.1 with free ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, PASSWORD, TOKEN_SECRET, USER } from './app.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A free TCP port on 127.0.0.1 (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Waits (bounded) until `check()` holds: for log lines, which the agent writes asynchronously and which may
 * arrive just after the response they belong to. Throws with `what` when the time is up.
 */
export async function eventually(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface AgentProcess {
  baseUrl: string;
  port: number;
  metricsUrl: string;
  metricsPort: number;
  user: string;
  password: string;
  adminToken: string;
  tokenSecret: string;
  child: ChildProcess;
  /** Every stdout/stderr line so far. */
  logs: string[];
  /** Sends SIGTERM and waits for exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the agent and waits until /ready answers 200 (or the process exits). */
type StartOptions = { env?: Record<string, string>; args?: string[]; entry?: string; timeoutMs?: number };

export async function startAgentProcess(opts: StartOptions = {}): Promise<AgentProcess> {
  // freePort() closes the port before the agent binds it; a parallel suite can take it in between.
  // When we picked the ports, a lost race is retried with new ones instead of failing the test.
  const picked = !opts.env?.PORT && !opts.env?.METRICS_PORT;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!picked || attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

async function startOnce(opts: StartOptions): Promise<AgentProcess> {
  const port = opts.env?.PORT ? Number(opts.env.PORT) : await freePort();
  const metricsPort = opts.env?.METRICS_PORT ? Number(opts.env.METRICS_PORT) : await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    METRICS_HOST: '127.0.0.1',
    SWML_BASIC_AUTH_USER: USER,
    SWML_BASIC_AUTH_PASSWORD: PASSWORD,
    SWML_TOKEN_SECRET: TOKEN_SECRET,
    SWML_ADMIN_TOKEN: ADMIN_TOKEN,
    ...opts.env,
  };
  const entry = opts.entry ?? 'src/main.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...(opts.args ?? [])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const scheme = env.SWML_SSL_ENABLED === 'true' ? 'https' : 'http';
  const baseUrl = `${scheme}://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let up = false;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/health`);
      if (res.ok) {
        up = true;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!up) {
    child.kill('SIGKILL');
    // Let the pipes drain: the reason (e.g. EADDRINUSE) may arrive just after the exit.
    await Promise.race([new Promise((r) => child.once('close', r)), new Promise((r) => setTimeout(r, 1000))]);
    throw new Error(`agent did not start (exit ${String(child.exitCode)}):\n${logs.join('\n')}`);
  }
  return {
    baseUrl,
    port,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    metricsPort,
    user: env.SWML_BASIC_AUTH_USER ?? USER,
    password: env.SWML_BASIC_AUTH_PASSWORD ?? PASSWORD,
    adminToken: env.SWML_ADMIN_TOKEN ?? ADMIN_TOKEN,
    tokenSecret: env.SWML_TOKEN_SECRET ?? TOKEN_SECRET,
    child,
    logs,
    stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      return exited.finally(() => clearTimeout(timer));
    },
  };
}

/**
 * Runs the agent (src/main.ts) with only `env` (plus PATH, HOME and ports 0 on 127.0.0.1) until it exits, for
 * startup refusals; killed after 30 s if it starts instead. Resolves with the exit code and both streams.
 */
export function runToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        PORT: '0',
        METRICS_PORT: '0',
        HOST: '127.0.0.1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
