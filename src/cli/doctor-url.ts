// `swml-guard doctor --url`: audits a live deployment from outside, as SignalWire and an attacker see it.
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { certificateCheck, hstsCheck, httpsCheck, redirectCheck, type Probe } from './doctor-url-checks.js';
import { authCheck, headersCheck, hiddenCheck, internalPortCheck } from './doctor-url-exposure.js';
import { report } from './doctor-report.js';
import { parseResolve, pinnedLookup, send, type ClientOptions } from './http-client.js';
import { CliError, type Io } from './output.js';

export const URL_OPTIONS = `  --url <url>              the agent's public SWML URL, e.g. https://agent.example.com/ (no credentials)
  --cacert <path>          also trust this CA (PEM), e.g. Caddy's local root
  --resolve <h:p:a>        connect to address a for host h and port p, like curl (repeatable)
  --http-port <port>       where plain HTTP should redirect to HTTPS (default 80)
  --internal-port <port>   the agent's internal port, which must not answer from outside (default 9464)
  --timeout <ms>           per request (default 10000)`;

interface UrlOptions {
  json?: boolean;
  cacert?: string;
  resolve?: string[];
  'http-port'?: string;
  'internal-port'?: string;
  timeout?: string;
}

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new CliError(`${flag} must be a port number (1-65535)`, { exitCode: 2 });
  return n;
}

async function probe(method: string, url: string, client: ClientOptions): Promise<Probe> {
  try {
    const r = await send(method, url, { ...client, body: method === 'POST' ? '{}' : undefined });
    return { ok: true, status: r.status, headers: r.headers, tls: r.tls };
  } catch (err) {
    return {
      ok: false,
      error: err instanceof Error ? err.message.replace(/^\w+ \S+ failed: /, '') : String(err),
    };
  }
}

/** true when a TCP connection opens; otherwise why not (refused, timed out...). */
function tcpReachable(
  host: string,
  p: number,
  client: ClientOptions,
  timeoutMs: number,
): Promise<true | string> {
  return new Promise((done) => {
    // The host's address as pinned for any of its ports: the internal port is on the same machine.
    const pins = (client.resolve ?? [])
      .filter((pin) => pin.host === host.toLowerCase())
      .map((pin) => ({ ...pin, port: p }));
    const socket = connect({ host, port: p, lookup: pinnedLookup(pins, p) });
    const finish = (result: true | string) => {
      socket.destroy();
      done(result);
    };
    socket.setTimeout(timeoutMs, () => finish('timed out'));
    socket.once('connect', () => finish(true));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish(err.code === 'ECONNREFUSED' ? 'refused' : (err.code ?? err.message)),
    );
  });
}

export async function urlDoctor(raw: string, v: UrlOptions, io: Io): Promise<number> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--url ${JSON.stringify(raw)} is not a URL`, {
      fix: 'e.g. --url https://agent.example.com/',
      exitCode: 2,
    });
  }
  if (url.username || url.password)
    throw new CliError('--url must not carry credentials: doctor checks what the public sees', {
      exitCode: 2,
    });
  const timeoutMs = v.timeout !== undefined ? Number(v.timeout) : 10_000;
  if (!(timeoutMs > 0)) throw new CliError('--timeout must be a number of milliseconds', { exitCode: 2 });
  const client: ClientOptions = { resolve: (v.resolve ?? []).map(parseResolve), timeoutMs };
  if (v.cacert !== undefined) {
    try {
      client.ca = readFileSync(resolve(io.cwd, v.cacert), 'utf8');
    } catch {
      throw new CliError(`cannot read --cacert ${v.cacert}`, {
        fix: 'pass the path of a PEM certificate file',
      });
    }
  }
  const httpPort = port(v['http-port'], 80, '--http-port');
  const internalPort = port(v['internal-port'], 9464, '--internal-port');
  const origin = url.origin;
  const route = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;

  const swml = await probe('POST', `${origin}${route}`, client);
  const checks = [httpsCheck(url, swml)];
  if (url.protocol === 'https:') {
    const cert = swml.ok ? swml : await probe('GET', `${origin}/health`, { ...client, insecure: true });
    checks.push(certificateCheck(cert.ok ? cert.tls : undefined, new Date()));
    const health = await probe('GET', `${origin}/health`, client);
    checks.push(hstsCheck(health.ok ? health.headers : {}));
    const plain = `http://${url.hostname}${httpPort === 80 ? '' : `:${httpPort}`}/`;
    checks.push(redirectCheck(plain, await probe('GET', plain, client), url.host));
  }
  checks.push(authCheck('auth_swml', `POST ${route}`, swml));
  checks.push(
    authCheck('auth_swaig', `POST ${route}swaig`, await probe('POST', `${origin}${route}swaig`, client)),
  );
  checks.push(hiddenCheck('metrics_hidden', '/metrics', await probe('GET', `${origin}/metrics`, client)));
  checks.push(
    hiddenCheck('admin_hidden', '/admin/status', await probe('GET', `${origin}/admin/status`, client)),
  );
  const reach = await tcpReachable(url.hostname, internalPort, client, Math.min(timeoutMs, 3_000));
  checks.push(internalPortCheck(`${url.hostname}:${internalPort}`, reach));
  checks.push(headersCheck(swml.ok ? swml.headers : {}));
  return report(io, `${origin}${route} from outside`, checks, v.json, { mode: 'url' });
}
