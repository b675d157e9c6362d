// AUDIT_LOG_FILE: audit lines written synchronously to size-rotated files (pino-roll), mode 0600.
import { fchmod as fchmodCb, fstat as fstatCb } from 'node:fs';
import { hostname } from 'node:os';
import { promisify } from 'node:util';

const fchmod = promisify(fchmodCb);
const fstat = promisify(fstatCb);
import pinoRoll from 'pino-roll';
import type { SonicBoom } from 'sonic-boom';

/** Fields SonicBoom has (and pino-roll reads) that its type declarations leave out. */
type Sonic = SonicBoom & { fd: number; file: string | null; destroyed: boolean };

export interface AuditFileOptions {
  /**
   * AUDIT_LOG_FILE: `dir/audit.log` writes `dir/audit.1.log`, `dir/audit.2.log`, ... (newest = current);
   * `%h` stands for the host name (expandAuditPath).
   */
  path: string;
  /** Rotate when the current file reaches this many bytes (AUDIT_LOG_MAX_SIZE). */
  maxBytes: number;
  /** Files kept, the current one included (AUDIT_LOG_MAX_FILES); older ones are deleted. */
  files: number;
  /** Health changes: false on a write error (disk full...), true once a write succeeds again. */
  onHealth(healthy: boolean, error?: NodeJS.ErrnoException): void;
}

export interface AuditFile {
  write(line: string): void;
  /** Settles when the file is open: `undefined`, or the error that prevented it. */
  readonly ready: Promise<Error | undefined>;
  /** Writes what is pending and closes the file. Idempotent. */
  close(): Promise<void>;
}

/**
 * `%h` in AUDIT_LOG_FILE becomes this host's name (a container's id in Docker, the pod's name in
 * Kubernetes), cut to characters safe in a file name. Why: replicas that share one audit volume must not
 * share one file. pino-roll counts only its own bytes and deletes the numbered files past its bound, so a
 * busy replica deletes the file a quieter one is still writing, and every line the quieter one writes
 * after that goes to a deleted file.
 */
export function expandAuditPath(path: string, host: string = hostname()): string {
  const safe = host.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return path.replaceAll('%h', safe === '' || safe === '.' || safe === '..' ? 'host' : safe);
}

/** Lines written before the file is open (startup; serve() waits for it): kept, up to this many. */
const EARLY_LINES = 10_000;

/**
 * Why synchronous writes: an audit line is on disk (in the page cache) before the response that it
 * records is sent, so neither a crash nor a stalled stdout loses it, and the file never builds a
 * backlog in memory. A failing disk surfaces as a write error: the file reports itself unhealthy and
 * the app refuses new work until a write succeeds again (the lines stay queued in SonicBoom).
 * Why pino-roll: size rotation with a bounded number of files, from pino's own maintainers; with
 * `removeOtherLogFiles` the bound holds across restarts too. New files are created 0600.
 */
export function openAuditFile(options: AuditFileOptions): AuditFile {
  let stream: Sonic | undefined;
  let early: string[] | undefined = [];
  let healthy = true;
  let closing: Promise<void> | undefined;

  const ready = (async (): Promise<Error | undefined> => {
    try {
      const s = (await pinoRoll({
        file: expandAuditPath(options.path),
        size: `${options.maxBytes}b`,
        limit: { count: options.files, removeOtherLogFiles: true },
        mkdir: true,
        sync: true,
        mode: 0o600,
      })) as Sonic;
      if (s.fd < 0) {
        const err = await new Promise<Error>((resolve) => s.once('error', resolve));
        return err;
      }
      s.on('error', (err: NodeJS.ErrnoException) => {
        if (!healthy) return;
        healthy = false;
        options.onHealth(false, err);
      });
      s.on('write', () => {
        if (healthy) return;
        healthy = true;
        options.onHealth(true);
      });
      // A file left by an older version may be world-readable: tighten it (new ones are created 0600).
      // Through the descriptor, and only for a regular file: never a device a symlink points to.
      const info = await fstat(s.fd);
      if (info.isFile() && (info.mode & 0o077) !== 0) await fchmod(s.fd, 0o600).catch(() => undefined);
      stream = s;
      for (const line of early ?? []) s.write(line);
      early = undefined;
      return undefined;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  })();

  return {
    write(line) {
      if (stream) stream.write(line);
      else if (early && early.length < EARLY_LINES) early.push(line);
      else if (healthy) {
        // Never silently: an app that logs this much before its file opened reports the file unhealthy.
        healthy = false;
        options.onHealth(false, Object.assign(new Error('audit file not open yet'), { code: 'ENOTREADY' }));
      }
    },
    ready,
    close: () =>
      (closing ??= ready.then(
        () =>
          new Promise<void>((resolve) => {
            if (!stream || stream.destroyed) return resolve();
            stream.once('close', () => resolve());
            stream.once('error', () => resolve());
            stream.end();
          }),
      )),
  };
}
