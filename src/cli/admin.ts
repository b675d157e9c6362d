// `swml-guard emergency` and `swml-guard status`: the runtime switch, through the internal admin endpoint.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEnvFile } from '../config/index.js';
import { send, type HttpResponse } from './http-client.js';
import { CliError, parse, table, tryJson, type Io } from './output.js';

export const COMMON = `  --admin-url <url>    internal port of the agent (default http://127.0.0.1:$METRICS_PORT, else :9464)
  --token-file <path>  file holding the admin token (default: $SWML_ADMIN_TOKEN, from the environment or .env)
  --json               print the state as JSON`;

export const EMERGENCY_HELP = `Usage: swml-guard emergency <off|secure|all> [--reason TEXT] [options]

Switch emergency mode at runtime, without a restart (shared by every replica when REDIS_URL is set):
  off      normal service
  secure   block every secure tool (money, passwords, deletion); open tools still answer
  all      block every tool; SWML answers "temporarily unavailable" and hangs up

  --reason <text>      why (written to the audit log's emergency_mode_changed event)
${COMMON}

Example: swml-guard emergency secure --reason "token abuse from +1555..."`;

export const STATUS_HELP = `Usage: swml-guard status [options]

Show the agent's emergency mode and the state of each tool, from the admin endpoint.

${COMMON}`;

export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'admin-url': { type: 'string' },
  'token-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

interface AdminStatus {
  level: string;
  disabled_functions?: string[];
  functions?: { name: string; secure: boolean; enabled: boolean }[];
  shared_state?: string;
}

export function adminTarget(io: Io, values: { 'admin-url'?: string; 'token-file'?: string }) {
  // .env in the working directory is read as for serve: the token the agent uses, without retyping it.
  const { env } = readEnvFile({ env: io.env, cwd: io.cwd });
  const base = values['admin-url'] ?? `http://127.0.0.1:${env.METRICS_PORT || '9464'}`;
  let token = env.SWML_ADMIN_TOKEN;
  if (values['token-file'] !== undefined) {
    try {
      token = readFileSync(resolve(io.cwd, values['token-file']), 'utf8').trim();
    } catch {
      throw new CliError(`cannot read --token-file ${values['token-file']}`, {
        fix: 'pass a file that holds the admin token',
      });
    }
  }
  if (!token) {
    throw new CliError('no admin token', {
      fix: 'set SWML_ADMIN_TOKEN (the same value as the agent) or pass --token-file <path>',
      exitCode: 2,
    });
  }
  return { base: base.replace(/\/+$/, ''), headers: { authorization: `Bearer ${token}` } };
}

export function checked(what: string, res: HttpResponse): AdminStatus {
  const fixes: Record<number, string> = {
    401: "the admin token is wrong: use the agent's SWML_ADMIN_TOKEN",
    404: 'the admin endpoint is off (the agent has no SWML_ADMIN_TOKEN) or --admin-url is not its internal port',
    400: 'use off, secure or all; a reason of at most 500 characters',
  };
  const body = tryJson(res.body) as AdminStatus | undefined;
  if (res.status !== 200 || typeof body?.level !== 'string') {
    throw new CliError(
      `${what} answered ${res.status} ${res.statusText}: ${res.body.trim().slice(0, 300) || '(empty body)'}`,
      {
        fix: fixes[res.status] ?? 'see the agent logs',
      },
    );
  }
  return body;
}

export function printStatus(io: Io, status: AdminStatus, json: boolean | undefined): void {
  if (json) return io.out(JSON.stringify(status, null, 2));
  const level = status.level === 'off' ? io.color.green('off') : io.color.red(status.level);
  io.out(`emergency mode: ${level}${status.shared_state ? `  (state: ${status.shared_state})` : ''}`);
  const blocked = (f: { secure: boolean; enabled: boolean }) =>
    !f.enabled || status.level === 'all' || (status.level === 'secure' && f.secure);
  const rows = (status.functions ?? []).map((f) => [
    f.name,
    f.secure ? 'yes' : 'no',
    f.enabled ? 'yes' : io.color.yellow('disabled'),
    blocked(f) ? io.color.red('blocked') : io.color.green('answering'),
  ]);
  for (const line of table(['tool', 'secure', 'enabled', 'now'], rows)) io.out(`  ${line}`);
}

export async function statusCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse('status', args, OPTIONS, false);
  if (values.help) return (io.out(STATUS_HELP), 0);
  const { base, headers } = adminTarget(io, values);
  const res = await send('GET', `${base}/admin/status`, { headers });
  printStatus(io, checked(`GET ${base}/admin/status`, res), values.json);
  return 0;
}

export async function emergencyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('emergency', args, { ...OPTIONS, reason: { type: 'string' } });
  if (values.help) return (io.out(EMERGENCY_HELP), 0);
  const level = positionals[0];
  if (positionals.length !== 1 || (level !== 'off' && level !== 'secure' && level !== 'all')) {
    throw new CliError(
      `expected one level, off, secure or all; got ${positionals.length ? JSON.stringify(positionals.join(' ')) : 'none'}`,
      {
        fix: 'e.g. `swml-guard emergency secure --reason "suspected fraud"`',
        exitCode: 2,
      },
    );
  }
  const { base, headers } = adminTarget(io, values);
  const body = JSON.stringify(values.reason !== undefined ? { level, reason: values.reason } : { level });
  const res = await send('POST', `${base}/admin/emergency`, { headers, body });
  printStatus(io, checked(`POST ${base}/admin/emergency`, res), values.json);
  return 0;
}
