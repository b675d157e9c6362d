// Everything one app needs at request time, built once from the agent and the resolved configuration.
import type { Logger } from 'pino';
import type { DestinationStream } from 'pino';
import type { AgentBase } from './agent/agent-base.js';
import type { RegisteredTool } from './agent/types.js';
import { loadConfig, type Config, type ConfigOverrides } from './config/index.js';
import { accessRefusals } from './observability/access-log.js';
import { createAuditLog, type AuditLog } from './observability/audit-log.js';
import type { LineKind } from './observability/log-sink.js';
import { createLoggers } from './observability/logger.js';
import type { RefusalAggregator } from './observability/refusal-aggregator.js';
import { SECURITY_EVENTS, createMetrics, type Metrics } from './observability/metrics.js';
import { functionTokens, keyId, type FunctionTokens } from './security/function-token.js';
import { createState } from './state/index.js';
import { outageReporter, type OutageReporter } from './state/outage-log.js';
import { windowCounter, type WindowCounter } from './state/counter.js';
import type { SharedState } from './state/types.js';
import { compileValidators } from './swaig/validate.js';
import { VERSION } from './version.js';

export interface RuntimeOptions {
  /** Environment to read instead of process.env (tests). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Settings by env var name; beat the agent's options and the environment. */
  settings?: ConfigOverrides;
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Shared state to use instead of the one REDIS_URL selects (tests). */
  state?: SharedState;
  /** Prints the one-time generated password line (default console.log). */
  print?: (line: string) => void;
  /** Backlog limits of stdout in bytes per kind of line (default BACKLOG_LIMITS; tests make them small). */
  logBacklogLimits?: Partial<Record<LineKind, number>>;
  /** Refusal aggregation window and tracked (client, kind) pairs (default AGGREGATION). */
  refusalAggregation?: { windowMs?: number; maxEntries?: number };
}

export interface Runtime {
  readonly agent: AgentBase;
  readonly config: Config;
  readonly logger: Logger;
  /** The access log's logger (its lines are dropped first under backpressure). */
  readonly accessLogger: Logger;
  /** The root of every `ctx.logger` (caller numbers masked, values redacted by meaning). */
  readonly toolLogger: Logger;
  /** Refused requests' access lines, aggregated per client and status. */
  readonly accessRefusals: RefusalAggregator;
  readonly audit: AuditLog;
  /** True while audit lines cannot be written: new webhook requests get 503 and /ready fails. */
  auditBlocked(): boolean;
  /** Settles when AUDIT_LOG_FILE is open: undefined, or why it could not be opened. */
  readonly logsReady: Promise<Error | undefined>;
  readonly metrics: Metrics;
  readonly tokens: FunctionTokens;
  readonly state: SharedState;
  readonly tools: ReadonlyMap<string, RegisteredTool>;
  readonly validators: ReadonlyMap<string, (args: unknown) => string | undefined>;
  readonly callerCounter: WindowCounter;
  readonly callCounter: WindowCounter;
  readonly globalCallCounter: WindowCounter;
  /** One throttled error line per path when the shared state cannot answer. */
  readonly reportOutage: OutageReporter;
  /**
   * Releases the shared state, writes pending refusal summaries, waits at most `flushTimeoutMs`
   * (default 5 s) for stdout to take every line, and closes the audit file. True when stdout took all.
   */
  close(options?: { flushTimeoutMs?: number }): Promise<boolean>;
}

const MINUTE = 60_000;

/** The password in a `redis://user:password@host` URL, so that no log line can carry it. */
function redisPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

export function createRuntime(agent: AgentBase, options: RuntimeOptions = {}): Runtime {
  const config = loadConfig({ env: options.env, overrides: { ...agent.settings, ...options.settings } });
  const secrets = [
    config.basicAuth.password,
    config.basicAuth.previousPassword,
    config.token.secret,
    config.token.previousSecret,
    config.adminToken,
    config.signingKey,
    redisPassword(config.redisUrl),
  ].filter((s): s is string => typeof s === 'string');
  const kids = [config.token.secret, config.token.previousSecret]
    .filter((s): s is string => typeof s === 'string')
    .map(keyId);
  const tools = agent.tools;
  const metrics = createMetrics({
    functions: [...tools.values()].map((t) => ({ name: t.name, secure: t.secure })),
    securityEvents: [...agent.securityEvents],
    version: VERSION,
  });
  // The audit log is built on the loggers; the loggers report backpressure into it once it exists.
  const late: { audit?: AuditLog } = {};
  const loggers = createLoggers({
    level: config.logLevel,
    destination: options.logDestination,
    auditFile: config.auditLogFile ? { path: config.auditLogFile, ...config.auditLogRotation } : undefined,
    secrets,
    credentials: [config.basicAuth.password, config.basicAuth.previousPassword]
      .filter((p): p is string => typeof p === 'string')
      .map((password) => ({ user: config.basicAuth.user, password })),
    tokenKeyIds: kids,
    backlogLimits: options.logBacklogLimits,
    onDrop: (stream) => metrics.logLinesDropped.inc({ stream }),
    onAuditBlocked(blocked, reason) {
      metrics.auditBlocked.set(blocked ? 1 : 0);
      // Loud, in the audit trail itself (never dropped): the gap in the trail is explained.
      late.audit?.event(
        'audit_backpressure',
        {},
        {
          state: blocked ? 'blocked' : 'resumed',
          reason,
          effect: blocked ? 'new webhook requests answered 503 until audit lines can be written' : 'serving',
        },
      );
    },
  });
  const { logger } = loggers;
  const declared = new Set<string>([...SECURITY_EVENTS, ...agent.securityEvents]);
  const auditLog = createAuditLog(loggers.audit, metrics, declared, options.refusalAggregation);
  late.audit = auditLog;
  const accessRefusalLog = accessRefusals(loggers.access, options.refusalAggregation);
  const reportOutage = outageReporter(logger);
  const state = options.state ?? createState(config, logger, reportOutage);
  metrics.setEmergencyLevel(state.emergency.level());
  state.emergency.onChange((level) => metrics.setEmergencyLevel(level));

  for (const warning of config.warnings) {
    auditLog.event('config_warning', {}, { code: warning.code, message: warning.message });
  }
  if (config.basicAuth.generated) {
    (options.print ?? console.log)(
      `swml-guard: Basic Auth for this run (development only; set SWML_BASIC_AUTH_PASSWORD in production): ${config.basicAuth.user}:${config.basicAuth.password}`,
    );
  }

  return {
    agent,
    config,
    logger,
    accessLogger: loggers.access,
    toolLogger: loggers.tools,
    accessRefusals: accessRefusalLog,
    audit: auditLog,
    auditBlocked: () => loggers.auditBlocked(),
    logsReady: loggers.ready,
    metrics,
    tokens: functionTokens({
      secret: config.token.secret,
      previousSecret: config.token.previousSecret,
      ttlSeconds: config.token.ttlSeconds,
    }),
    state,
    tools,
    validators: compileValidators(tools.values()),
    callerCounter: windowCounter(state.limiterStore('caller:'), MINUTE),
    callCounter: windowCounter(state.limiterStore('call:'), 60 * MINUTE),
    globalCallCounter: windowCounter(state.limiterStore('global:'), MINUTE),
    reportOutage,
    async close(closeOptions = {}) {
      await state.close();
      auditLog.close();
      accessRefusalLog.close();
      const flushed = await loggers.flush(closeOptions.flushTimeoutMs ?? 5_000);
      await loggers.close();
      return flushed;
    },
  };
}
