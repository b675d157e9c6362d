// Process-memory shared state: correct for one replica; bounded so many callers cannot grow it forever.
import { MemoryStore } from 'express-rate-limit';
import type { EmergencyLevel } from '../config/index.js';
import { MemorySessionBindings } from './session-bindings.js';
import type { EmergencyStore, RevocationStore, SharedState } from './types.js';

const MAX_REVOCATIONS = 100_000;

/**
 * Revoked call ids with the time (seconds since the epoch) until which their tokens stay refused. Expired
 * entries are swept when the map is full; past the cap the entry that expires first is dropped (its tokens
 * stay signed and bound to an ended call, so this is only reached under an attack on the store itself).
 */
export class MemoryRevocationStore implements RevocationStore {
  readonly #ended = new Map<string, number>();

  /** Records a revocation synchronously (the durable stores call this first, then write). */
  set(callId: string, until: number): void {
    if (!this.#ended.has(callId) && this.#ended.size >= MAX_REVOCATIONS) {
      this.sweep();
      while (this.#ended.size >= MAX_REVOCATIONS) {
        let first: [string, number] | undefined;
        for (const entry of this.#ended) if (first === undefined || entry[1] < first[1]) first = entry;
        if (first === undefined) break;
        this.#ended.delete(first[0]);
      }
    }
    this.#ended.set(callId, Math.max(until, this.#ended.get(callId) ?? 0));
  }

  revokeCall(callId: string, until: number): Promise<void> {
    this.set(callId, until);
    return Promise.resolve();
  }

  /** Synchronous check (no I/O): the durable stores answer from here. */
  has(callId: string): boolean {
    const until = this.#ended.get(callId);
    if (until === undefined) return false;
    if (until * 1000 <= Date.now()) {
      this.#ended.delete(callId);
      return false;
    }
    return true;
  }

  isRevoked(callId: string): Promise<boolean> {
    return Promise.resolve(this.has(callId));
  }

  /** Forgets `callId`, unless it was revoked again meanwhile with another expiry. */
  delete(callId: string, until: number): void {
    if (this.#ended.get(callId) === until) this.#ended.delete(callId);
  }

  /** Drops expired entries. */
  sweep(): void {
    const now = Date.now() / 1000;
    for (const [id, until] of this.#ended) if (until <= now) this.#ended.delete(id);
  }

  entries(): IterableIterator<[string, number]> {
    return this.#ended.entries();
  }

  get size(): number {
    return this.#ended.size;
  }
}

/** Emergency level and disabled tools held in this process. */
export class MemoryEmergencyStore implements EmergencyStore {
  #level: EmergencyLevel;
  readonly #disabled: Set<string>;
  readonly #listeners: ((level: EmergencyLevel) => void)[] = [];

  constructor(level: EmergencyLevel, disabled: readonly string[]) {
    this.#level = level;
    this.#disabled = new Set(disabled);
  }

  level(): EmergencyLevel {
    return this.#level;
  }
  isDisabled(functionName: string): boolean {
    return this.#disabled.has(functionName);
  }
  disabledFunctions(): string[] {
    return [...this.#disabled].sort();
  }
  /** Applies a level without notifying a remote (used by the Redis store when a change arrives). */
  apply(level: EmergencyLevel, disabled?: readonly string[]): void {
    if (disabled) {
      this.#disabled.clear();
      for (const name of disabled) this.#disabled.add(name);
    }
    if (level === this.#level) return;
    this.#level = level;
    for (const listener of this.#listeners) listener(level);
  }
  setLevel(level: EmergencyLevel): Promise<void> {
    this.apply(level);
    return Promise.resolve();
  }
  setFunctionEnabled(functionName: string, enabled: boolean): Promise<void> {
    if (enabled) this.#disabled.delete(functionName);
    else this.#disabled.add(functionName);
    return Promise.resolve();
  }
  onChange(listener: (level: EmergencyLevel) => void): void {
    this.#listeners.push(listener);
  }
}

/** State for a single replica (no REDIS_URL); revocations in memory unless a durable store is given. */
export function memoryState(options: {
  emergencyMode: EmergencyLevel;
  disabledFunctions: readonly string[];
  revocations?: RevocationStore & { close?(): Promise<void> };
}): SharedState {
  const stores: MemoryStore[] = [];
  const revocations: RevocationStore & { close?(): Promise<void> } =
    options.revocations ?? new MemoryRevocationStore();
  return {
    kind: 'memory',
    revocations,
    sessions: new MemorySessionBindings(),
    emergency: new MemoryEmergencyStore(options.emergencyMode, options.disabledFunctions),
    limiterStore() {
      const store = new MemoryStore();
      stores.push(store);
      return store;
    },
    async close() {
      for (const store of stores) store.shutdown();
      await revocations.close?.();
    },
  };
}
