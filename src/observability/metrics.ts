// Prometheus metrics of SPEC 9 on a per-app registry, pre-initialised so every series exists from startup.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DROP_STREAMS } from './log-sink.js';

const AUTH_LAYERS = ['basic', 'token', 'signature'] as const;
const AUTH_REASONS = [
  'missing',
  'invalid',
  'malformed',
  'expired',
  'wrong_call',
  'wrong_function',
  'revoked',
  'unknown_key',
] as const;
export const FUNCTION_OUTCOMES = [
  'ok',
  'error',
  'timeout',
  'denied',
  'invalid_args',
  'rate_limited',
  'emergency_blocked',
] as const;
const CALL_OUTCOMES = ['ok', 'limited', 'emergency'] as const;
const LIMITERS = ['ip', 'auth', 'caller', 'call', 'global'] as const;
/** Built-in `security` audit types; tools add theirs through `AgentBase.declareSecurityEvent()`. */
export const SECURITY_EVENTS = [
  'auth_failure',
  'token_rejected',
  'signature_rejected',
  'rate_limited',
  'emergency_block',
  'invalid_arguments',
] as const;

export type AuthLayer = (typeof AUTH_LAYERS)[number];
export type AuthReason = (typeof AUTH_REASONS)[number];
export type FunctionOutcome = (typeof FUNCTION_OUTCOMES)[number];

export interface MetricsOptions {
  functions: readonly { name: string; secure: boolean }[];
  securityEvents: readonly string[];
  version: string;
}

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates the registry and every metric. Label values are bounded: function names are the declared
 * tools, `post_prompt` or `unknown`; security events are declared up front.
 */
export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'swml_' });
  // These three gauges end in _total, which `promtool check metrics` rejects for non-counters; the
  // handle/request counts they carry are not used by any dashboard or alert.
  for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
    registry.removeSingleMetric(`swml_nodejs_${name}`);
  }
  const registers = [registry];

  const httpDuration = new Histogram({
    name: 'swml_http_request_duration_seconds',
    help: 'Webhook request duration by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const authFailures = new Counter({
    name: 'swml_auth_failures_total',
    help: 'Rejected authentication attempts by layer and reason.',
    labelNames: ['layer', 'reason'] as const,
    registers,
  });
  const functionCalls = new Counter({
    name: 'swml_function_calls_total',
    help: 'SWAIG function calls by function and outcome.',
    labelNames: ['function', 'outcome'] as const,
    registers,
  });
  const functionDuration = new Histogram({
    name: 'swml_function_duration_seconds',
    help: 'Tool handler duration (including timeouts) by function.',
    labelNames: ['function'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const callsStarted = new Counter({
    name: 'swml_calls_started_total',
    help: 'SWML documents served (calls started) by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'swml_rate_limited_total',
    help: 'Requests refused by a rate or call limiter.',
    labelNames: ['limiter'] as const,
    registers,
  });
  const securityEvents = new Counter({
    name: 'swml_security_events_total',
    help: 'Security audit events by type.',
    labelNames: ['event'] as const,
    registers,
  });
  const emergencyMode = new Gauge({
    name: 'swml_emergency_mode',
    help: '1 when the emergency level is on (secure: secure tools blocked; all: everything blocked).',
    labelNames: ['level'] as const,
    registers,
  });
  const buildInfo = new Gauge({
    name: 'swml_build_info',
    help: 'swml-guard version and Node.js version.',
    labelNames: ['version', 'node_version'] as const,
    registers,
  });
  const sharedStateUp = new Gauge({
    name: 'swml_shared_state_up',
    help: '1 while the shared state (rate limits, revocations, emergency mode) can answer, 0 while it cannot.',
    labelNames: ['backend'] as const,
    registers,
  });
  const logLinesDropped = new Counter({
    name: 'swml_log_lines_dropped_total',
    help: 'Log lines not written to stdout because it could not keep up (access first; audit copies only while AUDIT_LOG_FILE holds them).',
    labelNames: ['stream'] as const,
    registers,
  });
  const auditBlocked = new Gauge({
    name: 'swml_audit_blocked',
    help: '1 while audit lines cannot be written (stdout backlog without AUDIT_LOG_FILE, or the file failing): new requests get 503.',
    registers,
  });
  const functionInfo = new Gauge({
    name: 'swml_function_info',
    help: 'Declared tools; secure="true" for tools that require a function token.',
    labelNames: ['function', 'secure'] as const,
    registers,
  });

  for (const layer of AUTH_LAYERS) for (const reason of AUTH_REASONS) authFailures.inc({ layer, reason }, 0);
  for (const { name, secure } of options.functions) {
    for (const outcome of FUNCTION_OUTCOMES) functionCalls.inc({ function: name, outcome }, 0);
    functionDuration.zero({ function: name });
    functionInfo.set({ function: name, secure: String(secure) }, 1);
  }
  for (const outcome of CALL_OUTCOMES) callsStarted.inc({ outcome }, 0);
  for (const limiter of LIMITERS) rateLimited.inc({ limiter }, 0);
  for (const event of [...SECURITY_EVENTS, ...options.securityEvents]) securityEvents.inc({ event }, 0);
  emergencyMode.set({ level: 'secure' }, 0);
  emergencyMode.set({ level: 'all' }, 0);
  for (const stream of DROP_STREAMS) logLinesDropped.inc({ stream }, 0);
  auditBlocked.set(0);
  buildInfo.set({ version: options.version, node_version: process.version }, 1);

  return {
    registry,
    /** The auth-failure counters of one layer, one per reason, labels bound once. */
    authFailureCounters(layer: AuthLayer): Readonly<Record<AuthReason, { inc(): void }>> {
      return Object.fromEntries(AUTH_REASONS.map((r) => [r, authFailures.labels(layer, r)])) as Record<
        AuthReason,
        { inc(): void }
      >;
    },
    httpDuration,
    authFailures,
    functionCalls,
    functionDuration,
    callsStarted,
    rateLimited,
    securityEvents,
    emergencyMode,
    sharedStateUp,
    logLinesDropped,
    auditBlocked,
    /** Mirrors the emergency level into the two gauge series. */
    setEmergencyLevel(level: 'off' | 'secure' | 'all') {
      emergencyMode.set({ level: 'secure' }, level === 'secure' ? 1 : 0);
      emergencyMode.set({ level: 'all' }, level === 'all' ? 1 : 0);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
