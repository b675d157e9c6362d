// The production hardening checklist behind `swml-guard doctor`: one function per item, stable ids, no secret values.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, isLoopback, loadConfig, transportWarnings } from '../config/index.js';
import {
  fail,
  pass,
  setting,
  transportSettings,
  warn,
  withDefault,
  type Check,
  type DoctorInput,
} from './doctor-model.js';
import { expandAuditPath } from '../observability/audit-file.js';
import { alertingCheck } from './doctor-alerting.js';
import { productionSecretFindings, secretCheck } from './doctor-secrets.js';
import { signingCheck } from './doctor-signing.js';
import { revocationsCheck } from './doctor-state.js';
import { tlsCheck } from './doctor-tls.js';
import { rateLimitCheck, secureToolsCheck } from './doctor-tools.js';

export type { Check, CheckStatus, DoctorInput } from './doctor-model.js';

/** Warnings the other checks already cover; any other config warning is reported by `config`. */
const COVERED = new Set([
  'WRN_SWML_GENERATED_PASSWORD',
  'WRN_SWML_WEAK_PASSWORD',
  'WRN_SWML_GENERATED_TOKEN_SECRET',
  'WRN_SWML_WEAK_TOKEN_SECRET',
  'WRN_SWML_WEAK_ADMIN_TOKEN',
  'WRN_SWML_PREVIOUS_SECRET',
  'WRN_SWML_NO_TLS',
  'WRN_SWML_HTTP_PROXY_URL',
  'WRN_SWML_REVOCATIONS_IN_MEMORY',
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

/** The config module's transport rule (WRN_SWML_HTTP_PROXY_URL, WRN_SWML_NO_TLS), judged for production. */
function httpsCheck(input: DoctorInput): Check {
  const transport = transportSettings(input);
  const codes = new Set(transportWarnings(transport).map((w) => w.code));
  const fix =
    'serve behind Caddy (docker compose) with SWML_PROXY_URL_BASE=https://<domain>, or set SWML_SSL_ENABLED=true';
  if (
    codes.has('WRN_SWML_HTTP_PROXY_URL') ||
    (setting(input, 'SWML_PROXY_URL_BASE') && !transport.proxyUrlBase)
  )
    return fail(
      'https',
      'SWML_PROXY_URL_BASE is not https: credentials and tokens travel in clear text',
      fix,
    );
  if (codes.has('WRN_SWML_NO_TLS'))
    return fail(
      'https',
      'TLS is off and no https SWML_PROXY_URL_BASE: credentials and tokens travel in clear text',
      fix,
    );
  if (transport.tlsEnabled) return pass('https', 'direct TLS (SWML_SSL_ENABLED=true)');
  if (transport.proxyUrlBase) return pass('https', 'webhook URLs use the https SWML_PROXY_URL_BASE');
  return warn(
    'https',
    'behind a proxy, but webhook URLs follow its X-Forwarded-Proto header',
    'set SWML_PROXY_URL_BASE=https://<your public host>',
  );
}

function auditCheck(input: DoctorInput): Check {
  const file = setting(input, 'AUDIT_LOG_FILE');
  if (file !== undefined && input.compose)
    return pass('audit_log', `audit events also go to ${file} (inside the agent container, as audit.N.log)`);
  if (file === undefined)
    return warn(
      'audit_log',
      'AUDIT_LOG_FILE is unset: audit events go to stdout only',
      'set AUDIT_LOG_FILE=/var/log/swml-guard/%h/audit.log (a volume in compose; %h = host name, a file per replica)',
    );
  // The agent writes audit.1.log, audit.2.log ... beside the name, creating missing folders (%h included).
  const path = expandAuditPath(file);
  let existing = dirname(path);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) throw new Error('not a folder');
    accessSync(existing, constants.W_OK);
    return pass('audit_log', `audit events also go to ${path.replace(/\.log$/, '')}.N.log`);
  } catch {
    return warn(
      'audit_log',
      `AUDIT_LOG_FILE ${file}: ${existing} is not writable from here`,
      'fine if that path exists only where the agent runs; else create its folder, writable by the agent user',
    );
  }
}

function metricsCheck(input: DoctorInput): Check {
  const host = withDefault(input, 'METRICS_HOST');
  if (isLoopback(host)) return pass('metrics_bind', `internal port (/metrics, /admin) bound to ${host}`);
  if (input.compose)
    return pass('metrics_bind', `internal port on compose's private network only (${host}, never published)`);
  return warn(
    'metrics_bind',
    `METRICS_HOST=${host}: /metrics and /admin listen beyond loopback`,
    'keep METRICS_HOST=127.0.0.1, or bind only inside a private network (compose) and never publish the port',
  );
}

/** Every check, in the stable order of `doctor --json`. */
export function runChecks(input: DoctorInput): Check[] {
  const secrets = productionSecretFindings(input);
  return [
    configCheck(input),
    productionCheck(input),
    httpsCheck(input),
    secretCheck(
      secrets,
      'basic_auth',
      ['SWML_BASIC_AUTH_PASSWORD', 'SWML_BASIC_AUTH_PASSWORD_PREVIOUS'],
      `SWML_BASIC_AUTH_PASSWORD is set and strong (${setting(input, 'SWML_BASIC_AUTH_PASSWORD')?.length ?? 0} characters)`,
    ),
    secretCheck(
      secrets,
      'token_secret',
      ['SWML_TOKEN_SECRET', 'SWML_TOKEN_SECRET_PREVIOUS'],
      `SWML_TOKEN_SECRET is set and strong (${Buffer.byteLength(setting(input, 'SWML_TOKEN_SECRET') ?? '')} bytes)`,
    ),
    secureToolsCheck(input),
    rateLimitCheck(input),
    auditCheck(input),
    metricsCheck(input),
    secretCheck(
      secrets,
      'admin_endpoint',
      ['SWML_ADMIN_TOKEN'],
      'emergency switch reachable on the internal port (Bearer SWML_ADMIN_TOKEN)',
    ),
    tlsCheck({
      enabled: transportSettings(input).tlsEnabled,
      certPath: setting(input, 'SWML_SSL_CERT_PATH'),
      keyPath: setting(input, 'SWML_SSL_KEY_PATH'),
      domain: setting(input, 'SWML_DOMAIN'),
      now: input.now,
    }),
    alertingCheck(input),
    signingCheck(input),
    revocationsCheck(input),
  ];
}
