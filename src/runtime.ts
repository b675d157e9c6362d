// Everything one app needs at request time, built once from the agent and the resolved configuration.
import type { Logger } from 'pino';
import type { DestinationStream } from 'pino';
import type { AgentBase } from './agent/agent-base.js';
import type { RegisteredTool } from './agent/types.js';
import { loadConfig, type Config, type ConfigOverrides } from './config/index.js';
import { appLogs } from './observability/app-logs.js';
import type { AuditLog } from './observability/audit-log.js';
import type { LineKind } from './observability/log-sink.js';
import type { RefusalAggregator } from './observability/refusal-aggregator.js';
import { SECURITY_EVENTS, createMetrics, type Metrics } from './observability/metrics.js';
import { functionTokens, type FunctionTokens } from './security/function-token.js';
import { createState } from './state/index.js';
import { outageReporter, type OutageReporter } from './state/outage-log.js';
import { windowCounter, type WindowCounter } from './state/counter.js';
import type { SharedState } from './state/types.js';
import { compileValidators, type ArgumentValidator } from './swaig/validate.js';
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
  /** pino-http's logger: access lines (dropped first under backpressure), `req.log` and `ctx.logger`. */
  readonly httpLogger: Logger;
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
  readonly validators: ReadonlyMap<string, ArgumentValidator>;
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

export function createRuntime(agent: AgentBase, options: RuntimeOptions = {}): Runtime {
  const config = loadConfig({ env: options.env, overrides: { ...agent.settings, ...options.settings } });
  const tools = agent.tools;
  const metrics = createMetrics({
    functions: [...tools.values()].map((t) => ({ name: t.name, secure: t.secure })),
    securityEvents: [...agent.securityEvents],
    version: VERSION,
  });
  const declared = new Set<string>([...SECURITY_EVENTS, ...agent.securityEvents]);
  const logs = appLogs(config, metrics, declared, {
    destination: options.logDestination,
    backlogLimits: options.logBacklogLimits,
    aggregation: options.refusalAggregation,
  });
  const { logger, auditLog, accessRefusals: accessRefusalLog } = logs;
  const reportOutage = outageReporter(logger);
  const state = options.state ?? createState(config, logger, reportOutage);
  metrics.setEmergencyLevel(state.emergency.level());
  // Process memory always answers; Redis reports its connection (0 until the first connect).
  metrics.sharedStateUp.set({ backend: state.kind }, state.watchHealth ? 0 : 1);
  state.watchHealth?.((up) => metrics.sharedStateUp.set({ backend: state.kind }, up ? 1 : 0));
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
    httpLogger: logs.http,
    accessRefusals: accessRefusalLog,
    audit: auditLog,
    auditBlocked: () => logs.auditBlocked(),
    logsReady: logs.ready,
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
      const flushed = await logs.flush(closeOptions.flushTimeoutMs ?? 5_000);
      await logs.close();
      return flushed;
    },
  };
}
