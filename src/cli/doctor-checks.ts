// The production hardening checklist behind `swml-guard doctor`: one function per item, stable ids, no secret values.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentBase } from '../agent/agent-base.js';
import { ConfigError, ENV, loadConfig, type EnvName } from '../config/index.js';
import { GENERATE_HINT } from '../config/errors.js';
import { tlsCheck } from './doctor-tls.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';
export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
  /** One line saying how to fix it; null when the check passes. */
  fix: string | null;
}

/** What the checks read: the merged settings (agent options beat the environment) and the loaded agent. */
export interface DoctorInput {
  env: Readonly<Record<string, string | undefined>>;
  overrides: Record<string, string | number | boolean | undefined>;
  agent: AgentBase | undefined;
  agentError: string | undefined;
  now: Date;
}

const pass = (id: string, message: string): Check => ({ id, status: 'pass', message, fix: null });
const warn = (id: string, message: string, fix: string): Check => ({ id, status: 'warn', message, fix });
const fail = (id: string, message: string, fix: string): Check => ({ id, status: 'fail', message, fix });

/** A setting as the config module sees it: override, else env; trimmed; empty means unset. */
export function setting(input: DoctorInput, name: EnvName): string | undefined {
  const override = input.overrides[name];
  const raw = override !== undefined ? String(override) : input.env[name];
  const value = raw?.trim();
  return value === undefined || value === '' ? undefined : value;
}
function withDefault(input: DoctorInput, name: EnvName): string {
  const spec = ENV[name];
  return setting(input, name) ?? ('default' in spec ? spec.default : '');
}
const isTrue = (v: string) => ['true', '1', 'yes'].includes(v.toLowerCase());
const isLoopback = (h: string) => h === 'localhost' || h === '::1' || h.startsWith('127.');

/** Warnings the other checks already cover; any other config warning is reported by `config`. */
const COVERED = new Set([
  'WRN_SWML_GENERATED_PASSWORD',
  'WRN_SWML_WEAK_PASSWORD',
  'WRN_SWML_GENERATED_TOKEN_SECRET',
  'WRN_SWML_NO_TLS',
  'WRN_SWML_METRICS_PUBLIC',
  'WRN_SWML_ADMIN_DISABLED',
]);

function configCheck(input: DoctorInput): Check {
  try {
    const config = loadConfig({ env: input.env, overrides: input.overrides });
    const other = config.warnings.filter((w) => !COVERED.has(w.code));
    if (other.length === 0) return pass('config', 'every setting is valid');
    return warn('config', other.map((w) => `${w.code}: ${w.message}`).join(' '), 'see docs/error-codes.md');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const [message = err.message, fix] = err.message.split(' Fix: ');
    return fail(
      'config',
      `${message} The agent refuses to start.`,
      fix?.replace(/\.$/, '') ?? 'correct the setting named above',
    );
  }
}

function productionCheck(input: DoctorInput): Check {
  const mode = withDefault(input, 'NODE_ENV');
  if (mode === 'production')
    return pass('production_mode', 'NODE_ENV=production: weak settings stop startup');
  return warn(
    'production_mode',
    `NODE_ENV=${mode}: weak settings only warn at startup`,
    'set NODE_ENV=production (the Docker image does)',
  );
}

function httpsCheck(input: DoctorInput): Check {
  const base = setting(input, 'SWML_PROXY_URL_BASE');
  if (isTrue(withDefault(input, 'SWML_SSL_ENABLED')))
    return pass('https', 'direct TLS (SWML_SSL_ENABLED=true)');
  if (base?.toLowerCase().startsWith('https://'))
    return pass('https', 'webhook URLs use the https SWML_PROXY_URL_BASE');
  const fix =
    'serve behind Caddy (docker compose) with SWML_PROXY_URL_BASE=https://<domain>, or set SWML_SSL_ENABLED=true';
  if (base !== undefined)
    return fail(
      'https',
      'SWML_PROXY_URL_BASE is not https: credentials and tokens travel in clear text',
      fix,
    );
  if (Number(withDefault(input, 'SWML_TRUST_PROXY')) > 0) {
    return warn(
      'https',
      'behind a proxy, but webhook URLs follow its X-Forwarded-Proto header',
      'set SWML_PROXY_URL_BASE=https://<your public host>',
    );
  }
  return fail(
    'https',
    'TLS is off and no https SWML_PROXY_URL_BASE: credentials and tokens travel in clear text',
    fix,
  );
}

/** Why a secret is weak, or undefined: length, variety, reuse of another secret. Never shows the value. */
function weakness(
  name: string,
  value: string,
  others: [string, string | undefined][],
  bytes = false,
): string | undefined {
  const length = bytes ? Buffer.byteLength(value) : value.length;
  if (length < 32) return `${name} has ${length} ${bytes ? 'bytes' : 'characters'}; 32 or more are needed`;
  if (new Set(value).size < 10)
    return `${name} has only ${new Set(value).size} distinct characters: it is guessable`;
  const reused = others.find(([, other]) => other === value);
  if (reused) return `${name} is the same value as ${reused[0]}: a leak of one exposes both`;
  return undefined;
}

function secretsCheck(
  input: DoctorInput,
  id: string,
  name: EnvName,
  others: EnvName[],
  bytes = false,
): Check {
  const value = setting(input, name);
  const pairs = others.map((o): [string, string | undefined] => [o, setting(input, o)]);
  if (value === undefined) {
    const why =
      name === 'SWML_TOKEN_SECRET'
        ? 'a random per-process secret breaks secure tools on restart and across replicas'
        : 'a random password is generated on every start';
    return fail(id, `${name} is unset: ${why}`, `set ${name}; ${GENERATE_HINT}`);
  }
  const weak = weakness(name, value, pairs, bytes);
  if (weak) return fail(id, weak, `set a new ${name}; ${GENERATE_HINT}`);
  const previousName = `${name}_PREVIOUS` as EnvName;
  const previous = setting(input, previousName);
  if (previous === value) return warn(id, `${previousName} equals ${name}`, `remove ${previousName}`);
  if (previous !== undefined) {
    return warn(
      id,
      `${name} is strong; ${previousName} is still accepted (rotation in progress)`,
      `remove ${previousName} once every client uses the new value`,
    );
  }
  return pass(id, `${name} is set and strong (${value.length} characters)`);
}

/** Words that suggest money, deletion, passwords or personal data in a tool's name or description. */
const RISKY =
  /\b(money|transfers?|transferring|payments?|pay|payouts?|refunds?|withdraw\w*|deposits?|wire|charge|funds?|purchase|billing|invoice|delete|deletion|remove|erase|destroy|close|closing|cancel|terminate|purge|wipe|passwords?|passcodes?|pin|credentials?|secret|otp|ssn|social security|date of birth|birthdate|dob|address|personal|credit card|card number|passport|medical|health|driver'?s license)\b/i;

function secureToolsCheck(input: DoctorInput): Check {
  if (!input.agent)
    return fail(
      'secure_tools',
      `the agent module could not be loaded: ${input.agentError ?? 'unknown error'}`,
      'fix the module so `swml-guard serve` can load it',
    );
  const tools = [...input.agent.tools.values()];
  const words = (t: { name: string; description: string }) => `${t.name.replace(/_/g, ' ')} ${t.description}`;
  const exposed = tools.filter((t) => !t.secure && RISKY.test(words(t))).map((t) => t.name);
  if (exposed.length > 0) {
    return fail(
      'secure_tools',
      `tool(s) that suggest money, deletion, passwords or personal data without secure: true: ${exposed.join(', ')}`,
      `add secure: true to defineTool() for ${exposed.join(', ')} (each call then needs its function token)`,
    );
  }
  const secure = tools.filter((t) => t.secure).map((t) => t.name);
  return pass(
    'secure_tools',
    `${secure.length} secure tool(s)${secure.length ? `: ${secure.join(', ')}` : ''}; the ${tools.length - secure.length} open tool(s) look harmless`,
  );
}

const LIMITS: [EnvName, string, number][] = [
  ['SWML_RATE_LIMIT', 'requests/min per IP', 10_000],
  ['SWML_AUTH_FAILURE_LIMIT', 'auth failures/15 min per IP', 200],
  ['SWML_CALLER_FUNCTION_LIMIT', 'tool calls/min per caller', 120],
  ['SWML_CALLER_CALL_LIMIT', 'calls/h per caller', 500],
  ['SWML_CALL_RATE_LIMIT', 'calls/min in total', 5_000],
];

function rateLimitCheck(input: DoctorInput): Check {
  const values = LIMITS.map(([name, label, max]) => ({
    name,
    label,
    max,
    value: Number(withDefault(input, name)),
  }));
  const high = values.filter((l) => !(l.value <= l.max));
  if (high.length > 0) {
    return warn(
      'rate_limits',
      `limits too high to stop abuse: ${high.map((l) => `${l.name}=${l.value} (over ${l.max})`).join(', ')}`,
      'lower them; the defaults are in README',
    );
  }
  return pass('rate_limits', `on: ${values.map((l) => `${l.value} ${l.label}`).join(', ')}`);
}

function auditCheck(input: DoctorInput): Check {
  const file = setting(input, 'AUDIT_LOG_FILE');
  if (file === undefined)
    return warn(
      'audit_log',
      'AUDIT_LOG_FILE is unset: audit events go to stdout only',
      'set AUDIT_LOG_FILE=/var/log/swml-guard/audit.log (a volume in compose)',
    );
  try {
    accessSync(existsSync(file) ? file : dirname(file), constants.W_OK);
    return pass('audit_log', `audit events also go to ${file}`);
  } catch {
    return warn(
      'audit_log',
      `AUDIT_LOG_FILE ${file} is not writable from here`,
      'fine if that path exists only where the agent runs; else create its folder, writable by the agent user',
    );
  }
}

function metricsCheck(input: DoctorInput): Check {
  const host = withDefault(input, 'METRICS_HOST');
  if (isLoopback(host)) return pass('metrics_bind', `internal port (/metrics, /admin) bound to ${host}`);
  return warn(
    'metrics_bind',
    `METRICS_HOST=${host}: /metrics and /admin listen beyond loopback`,
    'keep METRICS_HOST=127.0.0.1, or bind only inside a private network (compose) and never publish the port',
  );
}

function adminCheck(input: DoctorInput): Check {
  const token = setting(input, 'SWML_ADMIN_TOKEN');
  if (token === undefined)
    return warn(
      'admin_endpoint',
      'SWML_ADMIN_TOKEN is unset: the runtime emergency switch (/admin) is off',
      `set SWML_ADMIN_TOKEN; ${GENERATE_HINT}`,
    );
  const weak = weakness('SWML_ADMIN_TOKEN', token, [
    ['SWML_BASIC_AUTH_PASSWORD', setting(input, 'SWML_BASIC_AUTH_PASSWORD')],
    ['SWML_TOKEN_SECRET', setting(input, 'SWML_TOKEN_SECRET')],
  ]);
  if (weak) return fail('admin_endpoint', weak, `set a new SWML_ADMIN_TOKEN; ${GENERATE_HINT}`);
  return pass('admin_endpoint', 'emergency switch reachable on the internal port (Bearer SWML_ADMIN_TOKEN)');
}

/** Every check, in the stable order of `doctor --json`. */
export function runChecks(input: DoctorInput): Check[] {
  return [
    configCheck(input),
    productionCheck(input),
    httpsCheck(input),
    secretsCheck(input, 'basic_auth', 'SWML_BASIC_AUTH_PASSWORD', ['SWML_TOKEN_SECRET', 'SWML_ADMIN_TOKEN']),
    secretsCheck(
      input,
      'token_secret',
      'SWML_TOKEN_SECRET',
      ['SWML_BASIC_AUTH_PASSWORD', 'SWML_ADMIN_TOKEN'],
      true,
    ),
    secureToolsCheck(input),
    rateLimitCheck(input),
    auditCheck(input),
    metricsCheck(input),
    adminCheck(input),
    tlsCheck({
      enabled: isTrue(withDefault(input, 'SWML_SSL_ENABLED')),
      certPath: setting(input, 'SWML_SSL_CERT_PATH'),
      keyPath: setting(input, 'SWML_SSL_KEY_PATH'),
      domain: setting(input, 'SWML_DOMAIN'),
      now: input.now,
    }),
  ];
}
