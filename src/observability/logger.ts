// pino loggers for the app, the access log, tool handlers and the audit trail, over one backpressure-aware sink.
import pino, { type DestinationStream, type Logger } from 'pino';
import { openAuditFile, type AuditFile } from './audit-file.js';
import { logSink, type DropStream, type LineKind } from './log-sink.js';
import { secretScrubber, type ScrubOptions } from './secret-scrub.js';
import { measured, processStdout } from './stdout.js';
import { toolLoggerHooks } from './tool-logger.js';
import { ACCESS_LINE_END } from './access-log.js';

export interface LoggerOptions extends ScrubOptions {
  level: string;
  /** Where JSON lines go (stdout by default; tests pass an in-memory stream). */
  destination?: DestinationStream | undefined;
  /** AUDIT_LOG_FILE and its rotation, besides the main destination. */
  auditFile?: { path: string; maxBytes: number; files: number } | undefined;
  /** Backlog limits in bytes per kind of line (tests make them small). */
  backlogLimits?: Partial<Record<LineKind, number>>;
  /** A line was dropped because stdout could not keep up. */
  onDrop?(stream: DropStream): void;
  /** Audit lines cannot be written (stdout backlog without a file, or a failing file): refuse new work. */
  onAuditBlocked?(blocked: boolean, reason: string): void;
}

export interface Loggers {
  logger: Logger;
  /** Access-line summaries (`http 404 x N`): dropped first under backpressure, like the access lines. */
  access: Logger;
  /**
   * pino-http's logger: its access lines (`request completed`) go where access lines go, every other
   * line of it (`req.log`, `ctx.logger`) where app lines go; tool lines are masked and redacted.
   */
  http: Logger;
  audit: Logger;
  /** True while audit lines cannot be written: the app answers new work with 503. */
  auditBlocked(): boolean;
  /** Settles when AUDIT_LOG_FILE is open: undefined, or why it could not be. */
  ready: Promise<Error | undefined>;
  /** Waits (at most `timeoutMs`) for stdout to take every queued line; false if it did not. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Closes the audit file (its writes are synchronous, nothing is pending); stdout stays open. */
  close(): Promise<void>;
}

const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signalwire-signature"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
];

/**
 * pino's `isoTime`, formatted once per millisecond: a request writes two or three lines (access, audit,
 * the tool's own) within the same millisecond, and `toISOString()` was a measurable share of each line.
 * The output is the same text pino's function gives.
 */
function isoTimeCached(): () => string {
  let lastMs = -1;
  let last = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      last = `,"time":"${new Date(now).toISOString()}"`;
    }
    return last;
  };
}

/** Creates the loggers (`audit: true` on every audit line). */
export function createLoggers(options: LoggerOptions): Loggers {
  const scrub = secretScrubber(options);
  const common = {
    level: options.level,
    timestamp: isoTimeCached(),
    redact: { paths: HEADER_PATHS, censor: '[REDACTED]' },
    hooks: { streamWrite: scrub },
    base: undefined,
  };
  let fileBroken = false;
  let sinkBlocked = false;
  const report = (reason: string) => options.onAuditBlocked?.(sinkBlocked || fileBroken, reason);
  const out = options.destination ? measured(options.destination) : processStdout();
  const sink = logSink(out, {
    limits: options.backlogLimits,
    onDrop: (stream) => options.onDrop?.(stream),
    onBlocked(blocked) {
      sinkBlocked = blocked;
      report('stdout_backlog');
    },
  });
  let file: AuditFile | undefined;
  if (options.auditFile) {
    file = openAuditFile({
      ...options.auditFile,
      onHealth(healthy, error) {
        fileBroken = !healthy;
        sink.setAuditFileHealthy(healthy);
        report(healthy ? 'audit_file_recovered' : `audit_file_error:${error?.code ?? 'unknown'}`);
      },
    });
    void file.ready.then((err) => {
      if (err === undefined) return sink.setAuditFileHealthy(true);
      fileBroken = true;
      report(`audit_file_error:${(err as NodeJS.ErrnoException).code ?? 'open'}`);
    });
  }
  const stdoutAudit = sink.port('audit');
  const auditDestination = {
    write(line: string): boolean {
      file?.write(line);
      return stdoutAudit.write(line);
    },
  };
  const app = sink.port('app');
  const access = sink.port('access');
  // The access line's fixed ending tells it apart without parsing: one `endsWith` per line.
  const http = {
    write: (line: string) => (line.endsWith(ACCESS_LINE_END) ? access : app).write(line),
  };
  return {
    logger: pino(common, app),
    access: pino(common, access),
    http: pino({ ...common, redact: undefined, hooks: { ...common.hooks, ...toolLoggerHooks } }, http),
    audit: pino({ ...common, level: 'info', base: { audit: true } }, auditDestination),
    auditBlocked: () => sinkBlocked || fileBroken,
    ready: file ? file.ready : Promise.resolve(undefined),
    flush: (timeoutMs) => sink.flush(timeoutMs),
    close: () => file?.close() ?? Promise.resolve(),
  };
}
