// Real Alertmanager and Prometheus processes on 127.0.0.1 for the stack suites, with the project's own
// configuration: Alertmanager's rendered by deploy/alertmanager/entrypoint.sh, Prometheus' rule files as shipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, freePort } from './agent-process.js';
import { requireBinary } from './binaries.js';

export const RULES_DIR = join(ROOT, 'deploy', 'prometheus', 'rules');

/** Alertmanager is `alertmanager` upstream and `prometheus-alertmanager` in Debian. */
export function alertmanagerBinary(): string {
  try {
    return requireBinary('alertmanager');
  } catch (err) {
    try {
      return requireBinary('prometheus-alertmanager');
    } catch {
      throw err;
    }
  }
}

/** Polls `probe` until it returns a value (bounded); the last error goes into the timeout message. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const why = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
}

export interface WebhookMessage {
  receiver: string;
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

/** A local webhook receiver that answers every notification with `status`, recording when each arrived. */
export interface Receiver {
  url: string;
  received: { at: number; message: WebhookMessage }[];
  close(): Promise<void>;
}

export async function startReceiver(status = 200, path = '/alerts?key=a&b=c'): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        received.push({
          at: Date.now(),
          message: JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookMessage,
        });
      } catch {
        // not JSON: not a notification
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A long-running process of the suite, its output kept for failure messages; stop() by PID. */
export interface Proc {
  child: ChildProcess;
  logs: string[];
  stop: () => Promise<void>;
}

export function startProcess(bin: string, args: string[], env?: Record<string, string>): Proc {
  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(chunk.toString('utf8'));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    child,
    logs,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Alertmanager extends Proc {
  url: string;
  dir: string;
}

/**
 * Renders the real alertmanager.yml through entrypoint.sh with `env` (the ALERT_* receivers) and starts
 * Alertmanager on it, unchanged: production group_wait and routes. Resolves once /-/ready answers.
 */
export async function startAlertmanager(env: Record<string, string>): Promise<Alertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'swml-am-'));
  const config = join(dir, 'alertmanager.yml');
  const render = spawnSync('sh', [join(ROOT, 'deploy', 'alertmanager', 'entrypoint.sh')], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ALERTMANAGER_TEMPLATE: join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml'),
      ALERTMANAGER_CONFIG: config,
      ALERTMANAGER_BIN: 'true',
      ...env,
    },
  });
  if (render.status !== 0) throw new Error(`entrypoint.sh refused the receivers: ${render.stderr}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess(alertmanagerBinary(), [
    `--config.file=${config}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${url}/`,
    '--cluster.listen-address=',
  ]);
  const stop = proc.stop;
  const am: Alertmanager = {
    ...proc,
    url,
    dir,
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await waitFor(`Alertmanager ready (${proc.logs.join('').slice(-1000)})`, async () =>
    (await fetch(`${url}/-/ready`)).ok ? true : undefined,
  ).catch(async (err: unknown) => {
    await am.stop();
    throw err;
  });
  return am;
}

export interface Prometheus extends Proc {
  url: string;
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

/**
 * Starts Prometheus with the project's rule files, scraping `targets` (job name -> host:port) every
 * `interval`, evaluating rules as often, and alerting `alertmanagerUrl`. RUNBOOK_BASE_URL reaches the rules
 * as in docker-compose.yml (expand-external-labels).
 */
export async function startPrometheus(options: {
  interval: string;
  targets: Record<string, string>;
  alertmanagerUrl: string;
  runbookBaseUrl?: string;
}): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'swml-prom-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lines = [
    'global:',
    `  scrape_interval: ${options.interval}`,
    `  evaluation_interval: ${options.interval}`,
    '  external_labels:',
    '    runbook_base_url: ${RUNBOOK_BASE_URL}',
    'rule_files:',
    `  - ${JSON.stringify(join(RULES_DIR, '*.yml'))}`,
    'alerting:',
    '  alertmanagers:',
    `    - static_configs: [{ targets: ['${new URL(options.alertmanagerUrl).host}'] }]`,
    'scrape_configs:',
    ...Object.entries({ prometheus: `127.0.0.1:${port}`, ...options.targets }).flatMap(([job, target]) => [
      `  - job_name: ${job}`,
      `    static_configs: [{ targets: ['${target}'] }]`,
    ]),
    '',
  ];
  writeFileSync(join(dir, 'prometheus.yml'), lines.join('\n'));
  const proc = startProcess(
    requireBinary('prometheus'),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}/`,
      '--enable-feature=expand-external-labels',
    ],
    { RUNBOOK_BASE_URL: options.runbookBaseUrl ?? '' },
  );
  const stop = proc.stop;
  const prom: Prometheus = {
    ...proc,
    url,
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr }).toString(),
      });
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: unknown };
      };
      if (body.status !== 'success') throw new Error(`query failed: ${expr}: ${body.error ?? res.status}`);
      if (body.data?.resultType === 'scalar')
        return [{ metric: {}, value: body.data.result as [number, string] }];
      return body.data?.result as { metric: Record<string, string>; value: [number, string] }[];
    },
  };
  await waitFor(`Prometheus ready (${proc.logs.join('').slice(-2000)})`, async () =>
    (await fetch(`${url}/-/ready`)).ok ? true : undefined,
  ).catch(async (err: unknown) => {
    await prom.stop();
    throw err;
  });
  return prom;
}
