// Resolves the configuration once: options > environment > defaults, validated, frozen. Nothing else reads process.env.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ENV_NAMES } from './options.js';
import { ConfigError, type ConfigWarning } from './errors.js';
import { parseAll, type ConfigOverrides, type Env } from './parse.js';
import { secretFindings } from './secrets.js';
import { suggestEnvNames } from './suggest.js';
import { checkServerLimits, checkSigning, checkTls, parseProxyBase, riskWarnings } from './checks.js';
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

export type EmergencyLevel = 'off' | 'secure' | 'all';

/** The resolved, frozen configuration every layer is built from. */
export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly logLevel: string;
  readonly basicAuth: {
    readonly user: string;
    readonly password: string;
    readonly previousPassword: string | undefined;
    readonly generated: boolean;
  };
  readonly token: {
    readonly secret: string;
    readonly previousSecret: string | undefined;
    readonly ttlSeconds: number;
    readonly generated: boolean;
  };
  /** Absolute http(s) URL without trailing slash, or undefined. */
  readonly proxyUrlBase: string | undefined;
  readonly trustProxy: number;
  readonly domain: string | undefined;
  readonly tls: { readonly enabled: boolean; readonly cert?: Buffer; readonly key?: Buffer };
  readonly signingKey: string | undefined;
  readonly maxRequestSize: number;
  /** Body limit of the post_prompt route only: the end-of-call summary carries the whole conversation. */
  readonly maxPostPromptSize: number;
  readonly functionTimeoutMs: number;
  /** Lame-duck time on shutdown: /ready answers 503 while requests are still served. */
  readonly shutdownDelayMs: number;
  /** Node server limits on the agent port (slow clients, connection floods). */
  readonly server: {
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly maxConnections: number;
  };
  readonly limits: {
    readonly ip: number;
    readonly authFailures: number;
    readonly callerFunction: number;
    readonly callerCall: number;
    readonly callRate: number;
  };
  readonly emergencyMode: EmergencyLevel;
  readonly disabledFunctions: readonly string[];
  readonly adminToken: string | undefined;
  readonly auditLogFile: string | undefined;
  /** Rotation of the audit file: bytes per file, files kept. */
  readonly auditLogRotation: { readonly maxBytes: number; readonly files: number };
  readonly redisUrl: string | undefined;
  /** Absolute folder for the durable revocation file (used only without Redis), or undefined. */
  readonly stateDir: string | undefined;
  readonly agentModule: string | undefined;
  readonly warnings: readonly ConfigWarning[];
}

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
  const fatal = findings.find((f) => f.level === 'error');
  if (fatal) throw new ConfigError(fatal.code, `${fatal.message}. Fix: ${fatal.fix}.`);
  const secretWarnings: ConfigWarning[] = findings.map((f) => ({ code: f.code, message: `${f.message}.` }));
  const tls = checkTls({
    enabled: v.SWML_SSL_ENABLED,
    certPath: v.SWML_SSL_CERT_PATH,
    keyPath: v.SWML_SSL_KEY_PATH,
    domain: v.SWML_DOMAIN,
  });
  const proxyUrlBase =
    v.SWML_PROXY_URL_BASE === undefined ? undefined : parseProxyBase(v.SWML_PROXY_URL_BASE, production);
  checkSigning({ signingKey: v.SIGNALWIRE_SIGNING_KEY, proxyUrlBase, tlsEnabled: tls.enabled });
  const stateWarning = revocationStoreRule({
    production,
    redisUrl: v.REDIS_URL,
    stateDir: v.SWML_STATE_DIR,
  });
  if (stateWarning?.level === 'error') throw new ConfigError(stateWarning.code, stateWarning.message);

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
    server: checkServerLimits({
      headersTimeoutMs: v.SWML_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.SWML_REQUEST_TIMEOUT_MS,
      maxConnections: v.SWML_MAX_CONNECTIONS,
    }),
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
    warnings: [],
  };
  const warnings = riskWarnings(config, typos, secretWarnings);
  if (stateWarning) warnings.push({ code: stateWarning.code, message: stateWarning.message });
  return deepFreeze({ ...config, warnings });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
