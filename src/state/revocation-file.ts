// Revoked calls in an append-only file under SWML_STATE_DIR, so an ended call stays ended across restarts.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config/index.js';
import { MemoryRevocationStore } from './memory.js';
import type { RevocationStore } from './types.js';

const FILE = 'revocations.log';
const HEADER = '# swml-guard revocations v1: <expiry, seconds since the epoch> <call_id, percent-encoded>\n';
/** Compact when the file holds this many more lines than there are live revocations. */
const SLACK_LINES = 1024;

function line(callId: string, until: number): string {
  return `${until} ${encodeURIComponent(callId)}\n`;
}

/** Live entries of a revocations file; a torn last line (crash mid-write) or junk is skipped. */
function parse(text: string, nowSeconds: number): Map<string, number> {
  const out = new Map<string, number>();
  const rows = text.split('\n');
  // The last piece has no newline: a write the crash cut short (its call id may be cut too). Dropped.
  rows.pop();
  for (const row of rows) {
    const match = /^(\d{1,12}) (\S{1,512})$/.exec(row);
    if (!match) continue;
    const until = Number(match[1]);
    let callId: string;
    try {
      callId = decodeURIComponent(match[2] ?? '');
    } catch {
      continue;
    }
    if (until > nowSeconds && until > (out.get(callId) ?? 0)) out.set(callId, until);
  }
  return out;
}

/** Writes `entries` to a new file, fsyncs it, and renames it over the old one (then fsyncs the folder). */
function rewrite(dir: string, entries: Iterable<[string, number]>): number {
  const tmp = join(dir, `${FILE}.tmp`);
  let count = 0;
  let text = HEADER;
  for (const [callId, until] of entries) {
    text += line(callId, until);
    count += 1;
  }
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, FILE));
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return count;
}

/**
 * Why a file and these steps: without Redis, the only durable place is the local disk. Every revocation is
 * in memory at once (the check is a Map lookup, no I/O per tool call) and appended to the file, which is
 * fsynced before `post_prompt` answers, so a crash right after the call ended still keeps it ended. At
 * startup the file is read (expired and torn lines dropped) and compacted; while running it is compacted
 * again when it holds many more lines than live revocations, so it stays bounded (at most the memory cap of
 * live entries plus slack). One agent process per folder: replicas share revocations through Redis only.
 */
export class FileRevocationStore implements RevocationStore {
  readonly #memory = new MemoryRevocationStore();
  readonly #dir: string;
  #handle: Promise<FileHandle>;
  #lines: number;
  #pending: string[] = [];
  #writing: Promise<void> = Promise.resolve();
  readonly loaded: number;

  private constructor(dir: string, live: Map<string, number>) {
    this.#dir = dir;
    for (const [callId, until] of live) this.#memory.set(callId, until);
    this.loaded = this.#memory.size;
    this.#lines = rewrite(dir, this.#memory.entries());
    this.#handle = open(join(dir, FILE), 'a');
  }

  /** Opens (creating) the store in `dir`; any failure is a ConfigError naming the folder. */
  static open(dir: string, now = Date.now()): FileRevocationStore {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      let text = '';
      try {
        text = readFileSync(join(dir, FILE), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      return new FileRevocationStore(dir, parse(text, Math.floor(now / 1000)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unusable';
      throw new ConfigError(
        'ERR_SWML_STATE_DIR',
        `SWML_STATE_DIR ${JSON.stringify(dir)} cannot hold the revocations file (${code}). Fix: make it a folder the agent can write that survives restarts (a volume), or set REDIS_URL.`,
      );
    }
  }

  revokeCall(callId: string, until: number): Promise<void> {
    this.#memory.set(callId, until);
    this.#pending.push(line(callId, until));
    // One writer at a time: revocations that arrive during a write go out together in the next one.
    // A failed write must not poison the ones after it (its lines are queued again by #flush).
    this.#writing = this.#writing.catch(() => undefined).then(() => this.#flush());
    return this.#writing;
  }

  isRevoked(callId: string): Promise<boolean> {
    return this.#memory.isRevoked(callId);
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending.join('');
    const count = this.#pending.length;
    this.#pending = [];
    let handle: FileHandle;
    try {
      handle = await this.#handle;
      await handle.appendFile(batch);
      await handle.datasync();
    } catch (err) {
      this.#pending.unshift(batch);
      throw err;
    }
    this.#lines += count;
    if (this.#lines > this.#memory.size * 2 + SLACK_LINES) await this.#compact(handle);
  }

  async #compact(old: FileHandle): Promise<void> {
    this.#memory.sweep();
    this.#lines = rewrite(this.#dir, this.#memory.entries());
    this.#handle = open(join(this.#dir, FILE), 'a');
    await this.#handle;
    await old.close();
  }

  /** Waits for pending writes, then closes the file. */
  async close(): Promise<void> {
    await this.#writing.catch(() => undefined);
    await this.#handle.then((h) => h.close()).catch(() => undefined);
  }
}
