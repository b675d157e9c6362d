// Everything one app needs at request time, built once from the agent and the resolved configuration.
import type { Logger } from 'pino';
import type { DestinationStream } from 'pino';
import type { AgentBase } from './agent/agent-base.js';
import type { RegisteredTool } from './agent/types.js';
import { loadConfig, type Config, type ConfigOverrides } from './config/index.js';
import { createAuditLog, type AuditLog } from './observability/audit-log.js';
import { createLoggers } from './observability/logger.js';
import { SECURITY_EVENTS, createMetrics, type Metrics } from './observability/metrics.js';
import { functionTokens, keyId, type FunctionTokens } from './security/function-token.js';
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
}

export interface Runtime {
  readonly agent: AgentBase;
  readonly config: Config;
  readonly logger: Logger;
  readonly audit: AuditLog;
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
  /** Releases the shared state (connections, timers) and closes the audit file. */
  close(): Promise<void>;
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
  const {
    logger,
    audit: auditLogger,
    close: closeLogs,
  } = createLoggers({
    level: config.logLevel,
    destination: options.logDestination,
    auditLogFile: config.auditLogFile,
    secrets,
    tokenKeyIds: kids,
  });
  const tools = agent.tools;
  const metrics = createMetrics({
    functions: [...tools.values()].map((t) => ({ name: t.name, secure: t.secure })),
    securityEvents: [...agent.securityEvents],
    version: VERSION,
  });
  const declared = new Set<string>([...SECURITY_EVENTS, ...agent.securityEvents]);
  const audit = createAuditLog(auditLogger, metrics, declared);
  const reportOutage = outageReporter(logger);
  const state = options.state ?? createState(config, logger, reportOutage);
  metrics.setEmergencyLevel(state.emergency.level());
  state.emergency.onChange((level) => metrics.setEmergencyLevel(level));

  for (const warning of config.warnings) {
    audit.event('config_warning', {}, { code: warning.code, message: warning.message });
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
    audit,
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
    async close() {
      await state.close();
      await closeLogs();
    },
  };
}
