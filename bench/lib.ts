// Benchmark plumbing: child servers pinned to a core, autocannon runs with exact latencies, /proc memory.
import autocannon, { type AutocannonOptions } from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Cores for the server and for the load generator, when `taskset` can pin them apart. */
export function cores(): { server: string; client: string } | undefined {
  const ok = spawnSync('taskset', ['-V']).status === 0 && cpus().length >= 2;
  return ok ? { server: '0', client: String(cpus().length - 1) } : undefined;
}

/** Pins this process (every thread: autocannon runs here) to `core`. */
export function pinSelf(core: string): void {
  spawnSync('taskset', ['-a', '-cp', core, String(process.pid)], { stdio: 'ignore' });
}

/** Peak (VmHWM) and current (VmRSS) resident set of a process, in MiB. */
export function memory(pid: number): { peakMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuMs(pid: number): number {
  // Fields after the `(comm)` part: utime and stime are the 12th and 13th, in clock ticks (USER_HZ = 100).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface ChildServer {
  pid: number;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `node <script> <kind>` (pinned with taskset when `core` is given). Its stdout, where the
 * agent's pino logs go, is opened on `logTo` (a file or /dev/null): every line is still serialized and written.
 */
export function startServer(opts: {
  script: string;
  kind: string;
  env: Record<string, string>;
  core: string | undefined;
  logTo: string;
  nodeArgs: string[];
}): Promise<ChildServer> {
  const out = openSync(opts.logTo, 'a');
  const args = [...opts.nodeArgs, opts.script, opts.kind];
  const [cmd, argv] = opts.core
    ? ['taskset', ['-c', opts.core, process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(cmd, argv, { env: opts.env, stdio: ['ignore', out, 'inherit', 'ipc'] });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${opts.kind} exited early (code ${String(code)})`)));
    child.once('message', (msg: { port: number }) =>
      resolve({
        pid: child.pid ?? 0,
        port: msg.port,
        child,
        // Disconnecting makes the child exit normally (so --cpu-prof writes its profile); SIGKILL is the backstop.
        stop: () => {
          child.disconnect();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          return exited.finally(() => clearTimeout(timer));
        },
      }),
    );
  });
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** Exact percentile (ms) of a sorted sample. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * One autocannon run. Latencies are taken from each response's hrtime duration (float ms), because
 * autocannon's own histogram has 1 ms resolution, too coarse for sub-millisecond servers.
 */
export async function load(options: AutocannonOptions): Promise<LoadResult> {
  let samples = new Float64Array(1 << 16);
  let n = 0;
  const instance = autocannon(options);
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status < 200 || status >= 300) return;
    if (n === samples.length) {
      const grown = new Float64Array(samples.length * 2);
      grown.set(samples);
      samples = grown;
    }
    samples[n++] = ms;
  });
  const result = await instance;
  const sorted = samples.subarray(0, n).sort();
  return {
    rps: result.requests.total / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
