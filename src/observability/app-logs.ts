// The logging side of one app, assembled from the configuration: loggers, audit log, refusal aggregation.
import type { DestinationStream } from 'pino';
import type { Config } from '../config/index.js';
import { keyId } from '../security/function-token.js';
import { accessRefusals } from './access-log.js';
import { createAuditLog, type AuditLog } from './audit-log.js';
import type { LineKind } from './log-sink.js';
import { createLoggers, type Loggers } from './logger.js';
import type { Metrics } from './metrics.js';
import type { RefusalAggregator } from './refusal-aggregator.js';

export interface AppLogsOptions {
  destination?: DestinationStream | undefined;
  backlogLimits?: Partial<Record<LineKind, number>> | undefined;
  aggregation?: { windowMs?: number; maxEntries?: number } | undefined;
}

export interface AppLogs extends Loggers {
  auditLog: AuditLog;
  accessRefusals: RefusalAggregator;
}

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

const present = (values: (string | undefined)[]) => values.filter((s): s is string => typeof s === 'string');

/**
 * Every secret the configuration holds is scrubbed from every line (the Basic Auth pairs also in their
 * base64 form); backpressure is reported as an `audit_backpressure` event in the trail itself, so a gap
 * in it is explained, and in `swml_audit_blocked`.
 */
export function appLogs(
  config: Config,
  metrics: Metrics,
  declaredEvents: ReadonlySet<string>,
  options: AppLogsOptions = {},
): AppLogs {
  const { basicAuth, token } = config;
  const late: { audit?: AuditLog } = {};
  const loggers = createLoggers({
    level: config.logLevel,
    destination: options.destination,
    auditFile: config.auditLogFile ? { path: config.auditLogFile, ...config.auditLogRotation } : undefined,
    secrets: present([
      basicAuth.password,
      basicAuth.previousPassword,
      token.secret,
      token.previousSecret,
      config.adminToken,
      config.signingKey,
      redisPassword(config.redisUrl),
    ]),
    credentials: present([basicAuth.password, basicAuth.previousPassword]).map((password) => ({
      user: basicAuth.user,
      password,
    })),
    tokenKeyIds: present([token.secret, token.previousSecret]).map(keyId),
    backlogLimits: options.backlogLimits,
    onDrop: (stream) => metrics.logLinesDropped.inc({ stream }),
    onAuditBlocked(blocked, reason) {
      metrics.auditBlocked.set(blocked ? 1 : 0);
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
  late.audit = createAuditLog(loggers.audit, metrics, declaredEvents, options.aggregation);
  return {
    ...loggers,
    auditLog: late.audit,
    accessRefusals: accessRefusals(loggers.access, options.aggregation),
  };
}
