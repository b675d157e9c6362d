// A real redis-server on 127.0.0.1 for stack tests: free port, optional append-only persistence, stop/restart by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './agent-process.js';
import { requireBinary } from './binaries.js';

export interface RedisServer {
  readonly url: string;
  readonly password: string;
  /** Where appendonly files live (persistent servers keep it across restarts). */
  readonly dir: string;
  start(): Promise<void>;
  /** SIGTERM (Redis writes and fsyncs its AOF on a clean shutdown) or SIGKILL, then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** A connected client for assertions (no offline queue; the caller disconnects it). */
  client(): Promise<Redis>;
  /** Stops the server and removes its folder. */
  dispose(): Promise<void>;
}

/** Polls until redis-server answers PING, for at most `ms`. */
async function waitForPing(url: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    while (Date.now() < deadline) {
      try {
        if (probe.status !== 'ready') await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        probe.disconnect();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer PING within ${ms} ms`);
  } finally {
    probe.disconnect();
  }
}

/**
 * Prepares a redis-server (not started). `persistent: true` runs it as the compose `scale` profile does:
 * `--appendonly yes --appendfsync everysec`, with its files in a temp folder kept across restarts.
 */
export async function redisServer(options: { persistent?: boolean } = {}): Promise<RedisServer> {
  const binary = requireBinary('redis-server');
  const port = await freePort();
  const password = 'redis-pass-0123456789-abcdefghijkl';
  const dir = mkdtempSync(join(tmpdir(), 'swml-redis-'));
  const url = `redis://:${password}@127.0.0.1:${port}`;
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'everysec']
    : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill(signal);
    await exited;
  };
  return {
    url,
    password,
    dir,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
      child = spawn(binary, [...args, ...persistence, '--requirepass', password], { stdio: 'ignore' });
      await waitForPing(url);
    },
    stop,
    async client() {
      const c = new Redis(url, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        retryStrategy: () => 200,
      });
      c.on('error', () => undefined);
      if (c.status !== 'ready') await new Promise((resolve) => c.once('ready', resolve));
      return c;
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
