// Backpressure for log lines: access lines are dropped first, app lines next, audit lines never.
import type { MeasuredDestination } from './stdout.js';

/** What a dropped line was (the `stream` label of swml_log_lines_dropped_total). */
export const DROP_STREAMS = ['access', 'app', 'audit_copy'] as const;
export type DropStream = (typeof DROP_STREAMS)[number];
export type LineKind = 'access' | 'app' | 'audit';

/** Backlog (bytes accepted by stdout but not yet written) above which each kind of line is not queued. */
export const BACKLOG_LIMITS = {
  access: 1024 * 1024,
  app: 2 * 1024 * 1024,
  /** Audit lines: above this, copies are dropped while the audit file holds them, else new work is refused. */
  audit: 16 * 1024 * 1024,
} as const;

export interface LogSink {
  /** The pino destination for one kind of line. */
  port(kind: LineKind): { write(line: string): boolean };
  /** True while audit lines pile up with nowhere else to go: the app refuses new work. */
  blocked(): boolean;
  /** The audit file takes every audit line: stdout copies may be dropped instead of blocking. */
  setAuditFileHealthy(healthy: boolean): void;
  /** Resolves true once everything queued was written, false after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
}

export interface LogSinkOptions {
  limits?: Partial<Record<LineKind, number>>;
  onDrop(stream: DropStream): void;
  onBlocked(blocked: boolean, backlogBytes: number): void;
}

/**
 * Why this order: when stdout cannot keep up (a stalled log collector), queuing every line grows the
 * heap without bound (117 MB to 925 MB in 10 s). Access lines are the cheapest to lose (the metrics
 * count every request), other app lines next. Audit lines are never dropped silently: with a healthy
 * AUDIT_LOG_FILE only their stdout copy is dropped (and counted); without one, they are kept and the
 * app answers new work with 503 (`blocked()`) until the backlog drains, so memory stays bounded by the
 * audit limit plus what requests already in flight write.
 */
export function logSink(out: MeasuredDestination, options: LogSinkOptions): LogSink {
  const limits = { ...BACKLOG_LIMITS, ...options.limits };
  let fileHealthy = false;
  let isBlocked = false;
  const waiters = new Set<() => void>();

  function setBlocked(next: boolean): void {
    if (next === isBlocked) return;
    isBlocked = next;
    options.onBlocked(next, out.backlog());
  }
  out.onProgress(() => {
    if (isBlocked && (fileHealthy || out.backlog() <= limits.audit / 2)) setBlocked(false);
    if (out.backlog() === 0) for (const w of waiters) w();
  });

  function port(kind: LineKind) {
    if (kind === 'audit') {
      return {
        write(line: string): boolean {
          const gone = out.gone();
          if (gone || out.backlog() > limits.audit) {
            if (fileHealthy) {
              options.onDrop('audit_copy');
              return true;
            }
            // Kept in the backlog (or, with stdout gone for good, nowhere): refuse new work, loudly.
            setBlocked(true);
            if (gone) return true;
          }
          out.write(line);
          return true;
        },
      };
    }
    const limit = limits[kind];
    const stream: DropStream = kind;
    return {
      write(line: string): boolean {
        if (out.backlog() > limit || out.gone()) options.onDrop(stream);
        else out.write(line);
        return true;
      },
    };
  }

  return {
    port,
    blocked: () => isBlocked,
    setAuditFileHealthy(healthy) {
      fileHealthy = healthy;
      if (healthy) setBlocked(false);
    },
    flush(timeoutMs) {
      if (out.backlog() === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          clearInterval(poll);
          waiters.delete(wake);
          resolve(ok);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        // Plain streams do not always say when they drained: look every 50 ms as well.
        const poll = setInterval(() => out.backlog() === 0 && done(true), 50);
        waiters.add(wake);
      });
    },
  };
}
