// Resolves the configuration once: options > environment > defaults, validated, frozen. Nothing else reads process.env.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ENV_NAMES } from './options.js';
import { ConfigError, type ConfigFinding, type ConfigWarning } from './errors.js';
import { parseAll, type ConfigOverrides, type Env } from './parse.js';
import { secretFindings } from './secrets.js';
import { suggestEnvNames } from './suggest.js';
import { serverLimitsRule } from './server-rule.js';
import { tlsRule } from './tls.js';
import { bindWarnings, proxyBaseRule, signingRule, transportWarnings } from './transport.js';
import { revocationStoreRule } from './state-rule.js';

export { ConfigError, EXIT_CONFIG, type ConfigWarning } from './errors.js';
export { ENV, ENV_NAMES, type EnvName } from './options.js';
export { readEnvFile, type EnvWithFile } from './env-file.js';
export { parseSetting, rawSetting, type ConfigOverrides, type Env } from './parse.js';
export {
  SECRET_NAMES,
  secretFindings,
  type SecretFinding,
  type SecretName,
  type SecretValues,
} from './secrets.js';
export { suggestEnvNames } from './suggest.js';
export { revocationStoreRule } from './state-rule.js';
export { tlsRule, type TlsResult } from './tls.js';
export { bindWarnings, isLoopback, proxyBaseRule, signingRule, transportWarnings } from './transport.js';
export type { ConfigFinding } from './errors.js';
export type { Config, EmergencyLevel } from './types.js';
import type { Config } from './types.js';

/**
 * Reads and validates the configuration. Throws one `ConfigError` (exit code 78) on the first bad setting.
 *
 * @example
 * const config = loadConfig({ env: process.env });
 */
export function loadConfig(options: { env?: Env; overrides?: ConfigOverrides } = {}): Config {
  const env = options.env ?? process.env;
  const v = parseAll(env, options.overrides ?? {});
  const typos = suggestEnvNames(env, ENV_NAMES);
  const production = v.NODE_ENV === 'production';

  const password = v.SWML_BASIC_AUTH_PASSWORD;
  const secret = v.SWML_TOKEN_SECRET;
  const findings = secretFindings(v, production, typos);
  const weak = findings.find((f) => f.level === 'error');
  if (weak) throw new ConfigError(weak.code, `${weak.message}. Fix: ${weak.fix}.`);
  const secretWarnings: ConfigWarning[] = findings.map((f) => ({ code: f.code, message: `${f.message}.` }));
  const tlsResult = tlsRule({
    enabled: v.SWML_SSL_ENABLED,
    certPath: v.SWML_SSL_CERT_PATH,
    keyPath: v.SWML_SSL_KEY_PATH,
    domain: v.SWML_DOMAIN,
  });
  if ('error' in tlsResult) throw stop(tlsResult.error);
  const tls: Config['tls'] = tlsResult.enabled
    ? { enabled: true, cert: tlsResult.cert, key: tlsResult.key }
    : { enabled: false };
  const base =
    v.SWML_PROXY_URL_BASE === undefined ? undefined : proxyBaseRule(v.SWML_PROXY_URL_BASE, production);
  if (base !== undefined && 'error' in base) throw stop(base.error);
  const proxyUrlBase = base?.url;
  const transport = { tlsEnabled: tls.enabled, proxyUrlBase, trustProxy: v.SWML_TRUST_PROXY };
  fatal(signingRule({ ...transport, signingKey: v.SIGNALWIRE_SIGNING_KEY }));
  const server = {
    headersTimeoutMs: v.SWML_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: v.SWML_REQUEST_TIMEOUT_MS,
    maxConnections: v.SWML_MAX_CONNECTIONS,
  };
  fatal(serverLimitsRule(server));
  const state = revocationStoreRule({ production, redisUrl: v.REDIS_URL, stateDir: v.SWML_STATE_DIR });
  if (state?.level === 'error') fatal(state);
  const typoWarnings = typos.map(([given, known]) => ({
    code: 'WRN_SWML_UNKNOWN_ENV',
    message: `${given} is not a swml-guard setting; did you mean ${known}?`,
  }));
  const warnings: ConfigWarning[] = [
    ...typoWarnings,
    ...secretWarnings,
    ...[...transportWarnings(transport), ...bindWarnings({ host: v.HOST, metricsHost: v.METRICS_HOST })],
    ...(state ? [state] : []),
  ].map(({ code, message }) => ({ code, message }));

  const config: Config = {
    production,
    port: v.PORT,
    host: v.HOST,
    metricsPort: v.METRICS_PORT,
    metricsHost: v.METRICS_HOST,
    logLevel: v.LOG_LEVEL,
    basicAuth: {
      user: v.SWML_BASIC_AUTH_USER,
      password: password ?? randomBytes(24).toString('base64url'),
      previousPassword: v.SWML_BASIC_AUTH_PASSWORD_PREVIOUS,
      generated: password === undefined,
    },
    token: {
      secret: secret ?? randomBytes(32).toString('base64url'),
      previousSecret: v.SWML_TOKEN_SECRET_PREVIOUS,
      ttlSeconds: v.SWML_TOKEN_TTL,
      generated: secret === undefined,
    },
    proxyUrlBase,
    trustProxy: v.SWML_TRUST_PROXY,
    domain: v.SWML_DOMAIN,
    tls,
    signingKey: v.SIGNALWIRE_SIGNING_KEY,
    maxRequestSize: v.SWML_MAX_REQUEST_SIZE,
    maxPostPromptSize: v.SWML_MAX_POST_PROMPT_SIZE,
    functionTimeoutMs: v.SWML_FUNCTION_TIMEOUT_MS,
    shutdownDelayMs: v.SWML_SHUTDOWN_DELAY_MS,
    server,
    limits: {
      ip: v.SWML_RATE_LIMIT,
      authFailures: v.SWML_AUTH_FAILURE_LIMIT,
      callerFunction: v.SWML_CALLER_FUNCTION_LIMIT,
      callerCall: v.SWML_CALLER_CALL_LIMIT,
      callRate: v.SWML_CALL_RATE_LIMIT,
    },
    emergencyMode: v.AGENT_EMERGENCY_MODE,
    disabledFunctions: v.AGENT_DISABLED_FUNCTIONS,
    adminToken: v.SWML_ADMIN_TOKEN,
    auditLogFile: v.AUDIT_LOG_FILE,
    auditLogRotation: { maxBytes: v.AUDIT_LOG_MAX_SIZE, files: v.AUDIT_LOG_MAX_FILES },
    redisUrl: v.REDIS_URL,
    stateDir: v.SWML_STATE_DIR === undefined ? undefined : resolve(v.SWML_STATE_DIR),
    agentModule: v.AGENT_MODULE,
    warnings,
  };
  return deepFreeze(config);
}

/** The ConfigError (exit 78) for an error finding. */
function stop(finding: ConfigFinding): ConfigError {
  return new ConfigError(finding.code, finding.message);
}

/** Stops startup on an error finding; a warning or nothing passes. */
function fatal(finding: ConfigFinding | undefined): void {
  if (finding?.level === 'error') throw stop(finding);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
