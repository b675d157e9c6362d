// The process' stdout as a non-blocking log destination that knows its backlog and never hangs the exit.
import sonicBoom from 'sonic-boom';

// sonic-boom is CommonJS: its constructor arrives as a property of the default export under ESM.
const { SonicBoom } = sonicBoom;

/** A destination whose unwritten bytes can be read. */
export interface MeasuredDestination {
  write(line: string): unknown;
  /** Bytes accepted but not yet written. */
  backlog(): number;
  /** Called whenever bytes were written (to re-check caps and wake waiters). */
  onProgress(listener: () => void): void;
  /** True once the reader is gone (EPIPE): nothing written here will ever arrive. */
  gone(): boolean;
}

let shared: MeasuredDestination | undefined;

/**
 * Why not `pino.destination(1)`: it registers an exit hook that flushes synchronously, and with a
 * stalled stdout (a log collector that stopped reading) that flush never returns, so SIGTERM hung.
 * Here writes are asynchronous, the backlog is counted from SonicBoom's public `write` events, and
 * the exit hook flushes only when stdout was making progress in the last second. One per process:
 * every app in the process shares it.
 */
export function processStdout(): MeasuredDestination {
  if (shared) return shared;
  const sonic = new SonicBoom({ fd: 1, sync: false });
  let pending = 0;
  let lastProgress = Date.now();
  let closed = false;
  const listeners: (() => void)[] = [];
  sonic.on('write', (n: number) => {
    pending = Math.max(0, pending - n);
    lastProgress = Date.now();
    for (const l of listeners) l();
  });
  sonic.on('error', (err: NodeJS.ErrnoException) => {
    // EPIPE: the reader is gone for good. Other errors are retried by SonicBoom on the next write.
    if (err.code === 'EPIPE') closed = true;
  });
  process.once('exit', () => {
    if (closed || pending === 0 || Date.now() - lastProgress > 1_000) return;
    try {
      sonic.flushSync();
    } catch {
      // Best effort at exit: the process is ending either way.
    }
  });
  shared = {
    write(line) {
      if (closed) return false;
      pending += Buffer.byteLength(line);
      return sonic.write(line);
    },
    backlog: () => (closed ? 0 : pending),
    onProgress: (listener) => void listeners.push(listener),
    gone: () => closed,
  };
  return shared;
}

/** Wraps a plain stream (tests pass an in-memory Writable): its `writableLength` is the backlog. */
export function measured(stream: { write(line: string): unknown }): MeasuredDestination {
  const s = stream as { writableLength?: number; on?: (event: string, l: () => void) => void };
  return {
    write: (line) => stream.write(line),
    backlog: () => (typeof s.writableLength === 'number' ? s.writableLength : 0),
    onProgress: (listener) => s.on?.('drain', listener),
    gone: () => false,
  };
}
