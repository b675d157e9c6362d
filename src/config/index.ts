// Resolves the configuration once: options > environment > defaults, validated, frozen. Nothing else reads process.env.
import { randomBytes } from 'node:crypto';
import { ENV, ENV_NAMES, type EnvName } from './options.js';
import { ConfigError, type ConfigWarning } from './errors.js';
import { suggestEnvNames } from './suggest.js';
import { checkSecrets, checkSigning, checkTls, parseProxyBase, riskWarnings } from './checks.js';

export { ConfigError, EXIT_CONFIG, type ConfigWarning } from './errors.js';
export { ENV, ENV_NAMES, type EnvName } from './options.js';
export { readEnvFile, type EnvWithFile } from './env-file.js';

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
  readonly agentModule: string | undefined;
  readonly warnings: readonly ConfigWarning[];
}

/** Explicit settings (from `AgentBase` options or `createApp` options); they beat the environment. */
export type ConfigOverrides = Partial<Record<EnvName, string | number | boolean | undefined>>;

import type { z } from 'zod';

/** The parsed value of each variable; `undefined` only for variables without a default. */
type Parsed = {
  [K in EnvName]: (typeof ENV)[K] extends { default: string }
    ? z.output<(typeof ENV)[K]['schema']>
    : z.output<(typeof ENV)[K]['schema']> | undefined;
};

function parseAll(env: Readonly<Record<string, string | undefined>>, overrides: ConfigOverrides): Parsed {
  const out: Record<string, unknown> = {};
  for (const name of ENV_NAMES) {
    const spec = ENV[name];
    const override = overrides[name];
    const raw = override !== undefined ? String(override) : env[name];
    const value = raw === undefined || raw === '' ? ('default' in spec ? spec.default : undefined) : raw;
    if (value === undefined) continue;
    const result = spec.schema.safeParse(value);
    if (!result.success) {
      const reason = result.error.issues[0]?.message ?? 'is invalid';
      const shown = /PASSWORD|SECRET|TOKEN|KEY$/.test(name) ? '(value hidden)' : JSON.stringify(value);
      throw new ConfigError('ERR_SWML_INVALID_ENV', `${name} ${reason}; got ${shown}.`);
    }
    out[name] = result.data;
  }
  return out as Parsed;
}

/**
 * Reads and validates the configuration. Throws one `ConfigError` (exit code 78) on the first bad setting.
 *
 * @example
 * const config = loadConfig({ env: process.env });
 */
export function loadConfig(
  options: { env?: Readonly<Record<string, string | undefined>>; overrides?: ConfigOverrides } = {},
): Config {
  const env = options.env ?? process.env;
  const v = parseAll(env, options.overrides ?? {});
  const typos = suggestEnvNames(env, ENV_NAMES);
  const production = v.NODE_ENV === 'production';

  const password = v.SWML_BASIC_AUTH_PASSWORD;
  const secret = v.SWML_TOKEN_SECRET;
  checkSecrets({
    production,
    password,
    secret,
    adminToken: v.SWML_ADMIN_TOKEN,
    previousSecret: v.SWML_TOKEN_SECRET_PREVIOUS,
    typos,
  });
  const tls = checkTls({
    enabled: v.SWML_SSL_ENABLED,
    certPath: v.SWML_SSL_CERT_PATH,
    keyPath: v.SWML_SSL_KEY_PATH,
    domain: v.SWML_DOMAIN,
  });
  const proxyUrlBase =
    v.SWML_PROXY_URL_BASE === undefined ? undefined : parseProxyBase(v.SWML_PROXY_URL_BASE);
  checkSigning({ signingKey: v.SIGNALWIRE_SIGNING_KEY, proxyUrlBase, tlsEnabled: tls.enabled });

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
    agentModule: v.AGENT_MODULE,
    warnings: [],
  };
  return deepFreeze({ ...config, warnings: riskWarnings(config, typos) });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
