// Every environment variable swml-guard reads: its default, why, and how it is parsed. The one visible list.
import { z } from 'zod';

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const text = z.string().trim().min(1, 'must not be empty');

/** Byte sizes: `1048576`, `512kb`, `1mb`. */
const size = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\d+(b|kb|mb)?$/, 'must be a byte count such as 1048576, 512kb or 1mb')
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    return v.endsWith('mb') ? n * 1024 * 1024 : v.endsWith('kb') ? n * 1024 : n;
  })
  .pipe(
    z
      .number()
      .min(1024, 'must be at least 1kb')
      .max(64 * 1024 * 1024, 'must be at most 64mb'),
  );

/** File sizes: `52428800`, `512kb`, `50mb`, `1gb`. */
const fileSize = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\d+(b|kb|mb|gb)?$/, 'must be a byte count such as 52428800, 512kb, 50mb or 1gb')
  .transform((v) => {
    const n = Number.parseInt(v, 10);
    const unit = v.endsWith('gb') ? 1024 ** 3 : v.endsWith('mb') ? 1024 ** 2 : v.endsWith('kb') ? 1024 : 1;
    return n * unit;
  })
  .pipe(
    z
      .number()
      .min(16 * 1024, 'must be at least 16kb')
      .max(1024 ** 4, 'must be at most 1024gb'),
  );

const emergency = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['false', 'off', 'true', 'secure', 'all'], { error: 'must be false, true or all' }))
  .transform((v): 'off' | 'secure' | 'all' =>
    v === 'false' || v === 'off' ? 'off' : v === 'all' ? 'all' : 'secure',
  );

const list = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a comma-separated list of tool names'),
    ),
  );

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * The environment variables, with their defaults. A missing entry in `defaults` means "unset by default".
 * Each line of `docs` is what README and `.env.example` say about the variable.
 */
export const ENV = {
  NODE_ENV: {
    schema: text,
    default: 'development',
    doc: '`production` turns weak settings into startup errors',
  },
  PORT: { schema: int(0, 65535), default: '3000', doc: 'agent (webhook) port' },
  HOST: { schema: text, default: '0.0.0.0', doc: 'agent bind address' },
  METRICS_PORT: { schema: int(0, 65535), default: '9464', doc: 'internal port for /metrics and /admin' },
  METRICS_HOST: { schema: text, default: '127.0.0.1', doc: 'internal bind address; never publish it' },
  LOG_LEVEL: { schema: logLevel, default: 'info', doc: 'pino log level' },
  SWML_BASIC_AUTH_USER: { schema: text, default: 'signalwire', doc: 'Basic Auth user for every webhook' },
  SWML_BASIC_AUTH_PASSWORD: {
    schema: text,
    doc: 'Basic Auth password (32+ chars); generated per start when unset',
  },
  SWML_BASIC_AUTH_PASSWORD_PREVIOUS: {
    schema: text,
    doc: 'previous password, still accepted during a rotation',
  },
  SWML_TOKEN_SECRET: {
    schema: text,
    doc: 'HMAC key for function tokens (32+ bytes); random per process when unset',
  },
  SWML_TOKEN_SECRET_PREVIOUS: {
    schema: text,
    doc: 'previous token secret, still accepted during a rotation',
  },
  SWML_TOKEN_TTL: {
    schema: int(60, 86400),
    default: '14400',
    doc: 'function token lifetime in seconds; must outlive a call (SignalWire calls run up to 4 h)',
  },
  SWML_PROXY_URL_BASE: { schema: text, doc: 'public https URL the webhooks are built from (behind a proxy)' },
  SWML_TRUST_PROXY: {
    schema: int(0, 10),
    default: '0',
    doc: 'number of trusted proxy hops (1 behind Caddy); never `true`',
  },
  SWML_DOMAIN: { schema: text, doc: 'public host name (direct TLS, Caddy site address)' },
  SWML_SSL_ENABLED: { schema: bool, default: 'false', doc: 'serve HTTPS directly' },
  SWML_SSL_CERT_PATH: { schema: text, doc: 'PEM certificate chain for direct TLS' },
  SWML_SSL_KEY_PATH: { schema: text, doc: 'PEM private key for direct TLS' },
  SIGNALWIRE_SIGNING_KEY: { schema: text, doc: 'enables X-SignalWire-Signature checks on POSTs' },
  SWML_MAX_REQUEST_SIZE: { schema: size, default: '1mb', doc: 'body limit, counted on received bytes' },
  SWML_MAX_POST_PROMPT_SIZE: {
    schema: size,
    default: '10mb',
    doc: 'body limit of post_prompt, whose summary carries the whole conversation (the Python SDK allows 10 MB)',
  },
  SWML_FUNCTION_TIMEOUT_MS: { schema: int(100, 120000), default: '10000', doc: 'tool handler timeout' },
  SWML_SHUTDOWN_DELAY_MS: {
    schema: int(0, 60000),
    default: '0',
    doc: 'on SIGTERM, keep serving this long with /ready at 503 so the proxy stops routing first',
  },
  SWML_HEADERS_TIMEOUT_MS: {
    schema: int(100, 600000),
    default: '10000',
    doc: 'a client must send its request headers within this time, or the connection is closed',
  },
  SWML_REQUEST_TIMEOUT_MS: {
    schema: int(100, 3600000),
    default: '30000',
    doc: 'a client must send its whole request (headers and body) within this time',
  },
  SWML_MAX_CONNECTIONS: {
    schema: int(1, 1000000),
    default: '1000',
    doc: 'concurrent connections on the agent port; more are closed at once',
  },
  SWML_RATE_LIMIT: { schema: int(1, 1000000), default: '600', doc: 'requests per minute per client IP' },
  SWML_AUTH_FAILURE_LIMIT: {
    schema: int(1, 100000),
    default: '20',
    doc: 'failed Basic Auth per IP per 15 minutes',
  },
  SWML_CALLER_FUNCTION_LIMIT: {
    schema: int(1, 100000),
    default: '10',
    doc: 'tool calls per caller per tool per minute',
  },
  SWML_CALLER_CALL_LIMIT: { schema: int(1, 100000), default: '20', doc: 'calls per caller number per hour' },
  SWML_CALL_RATE_LIMIT: { schema: int(1, 1000000), default: '120', doc: 'calls per minute, all callers' },
  AGENT_EMERGENCY_MODE: {
    schema: emergency,
    default: 'false',
    doc: '`true` blocks secure tools, `all` every tool',
  },
  AGENT_DISABLED_FUNCTIONS: { schema: list, default: '', doc: 'tools disabled at startup (comma-separated)' },
  SWML_ADMIN_TOKEN: {
    schema: text,
    doc: 'Bearer token for /admin on the internal port (32+ chars); admin off when unset',
  },
  AUDIT_LOG_FILE: {
    schema: text,
    doc: 'audit log file besides stdout, mode 0600, rotated by size (`audit.log` -> `audit.1.log`, `audit.2.log`...); `%h` = host name (one file per replica)',
  },
  AUDIT_LOG_MAX_SIZE: {
    schema: fileSize,
    default: '50mb',
    doc: 'size at which AUDIT_LOG_FILE rotates to a new numbered file',
  },
  AUDIT_LOG_MAX_FILES: {
    schema: int(1, 10000),
    default: '10',
    doc: 'audit files kept, the current one included (older ones deleted)',
  },
  REDIS_URL: { schema: text, doc: 'shared state for replicas: limits, revocations, emergency mode' },
  SWML_STATE_DIR: {
    schema: text,
    doc: 'writable folder that survives restarts, for revoked calls without Redis (required in production without REDIS_URL)',
  },
  AGENT_MODULE: { schema: text, doc: 'agent module that `swml-guard serve` loads (default the demo agent)' },
} as const;

export type EnvName = keyof typeof ENV;
export const ENV_NAMES = Object.keys(ENV) as EnvName[];
