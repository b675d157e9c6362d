// Shared by run.ts and profile.ts: the build, the agents' environment, one measured run of one scenario.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { cpuMs, load, memory, startServer, type LoadResult } from './lib.js';
import type { RunRecord } from './report.js';
import { requestsFor, type Scenario } from './scenarios.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Compiles src/ and bench/server.ts with tsc, so children run plain JavaScript (no tsx loader thread). */
export function buildServer(): string {
  const tsc = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('bench build failed');
  return `${ROOT}.tmp/bench-build/bench/server.js`;
}

export const PASSWORD = randomBytes(24).toString('base64url');

function envFor(scenario: Scenario): Record<string, string> {
  const common = { PATH: process.env.PATH ?? '', NODE_ENV: 'production' };
  if (!scenario.server.startsWith('agent')) return common;
  return {
    ...common,
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    SWML_BASIC_AUTH_USER: 'signalwire',
    SWML_BASIC_AUTH_PASSWORD: PASSWORD,
    SWML_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    // Production needs a durable place for revoked calls (no Redis here).
    SWML_STATE_DIR: `${ROOT}.tmp/bench-state`,
    // Every limiter runs on every request; the limits are set so that none of them refuses during a run.
    SWML_RATE_LIMIT: '1000000',
    SWML_CALLER_FUNCTION_LIMIT: '100000',
    SWML_CALLER_CALL_LIMIT: '100000',
    SWML_CALL_RATE_LIMIT: '1000000',
  };
}

export interface MeasureOptions {
  script: string;
  core: string | undefined;
  logTo: string;
  connections: number;
  warmupS: number;
  durationS: number;
  /** Fixed request rate (autocannon overallRate); unset = as fast as the server answers. */
  rate?: number;
  /** Extra node flags for the server (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** Starts a fresh server for `scenario`, warms it up, measures, reads its peak RSS, stops it. */
export async function measure(scenario: Scenario, o: MeasureOptions): Promise<RunRecord> {
  const server = await startServer({
    script: o.script,
    kind: scenario.server,
    env: envFor(scenario),
    core: o.core,
    logTo: o.logTo,
    nodeArgs: o.nodeArgs ?? [],
  });
  try {
    const url = `http://127.0.0.1:${server.port}`;
    const requests = await requestsFor(scenario, url, PASSWORD);
    const rate = o.rate ? { overallRate: o.rate } : {};
    const base = { url, connections: o.rate ? 10 : o.connections, requests, ...rate };
    await load({ ...base, duration: o.warmupS });
    const cpuBefore = cpuMs(server.pid);
    const result: LoadResult = await load({ ...base, duration: o.durationS });
    // CPU per request is the figure that survives a busy machine: req/s depends on the share of the core we get.
    const cpuUsPerReq = ((cpuMs(server.pid) - cpuBefore) * 1000) / Math.max(1, result.requests);
    return { scenario: scenario.id, ...result, cpuUsPerReq, ...memory(server.pid) };
  } finally {
    await server.stop();
  }
}
