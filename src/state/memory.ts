// Process-memory shared state: correct for one replica; bounded so many callers cannot grow it forever.
import { MemoryStore } from 'express-rate-limit';
import type { EmergencyLevel } from '../config/index.js';
import { MemorySessionBindings } from './session-bindings.js';
import type { EmergencyStore, RevocationStore, SharedState } from './types.js';

const MAX_REVOCATIONS = 100_000;

/** Revoked call ids with their expiry; expired entries are swept on write, the oldest dropped past the cap. */
export class MemoryRevocationStore implements RevocationStore {
  readonly #ended = new Map<string, number>();

  revokeCall(callId: string, ttlSeconds: number): Promise<void> {
    const now = Date.now();
    if (this.#ended.size >= MAX_REVOCATIONS) {
      for (const [id, until] of this.#ended) if (until <= now) this.#ended.delete(id);
      // Still full of live entries: drop the oldest. Their tokens stay signed and bound to an ended call,
      // so this is only reached under an attack on the store itself.
      while (this.#ended.size >= MAX_REVOCATIONS) {
        const oldest = this.#ended.keys().next().value;
        if (oldest === undefined) break;
        this.#ended.delete(oldest);
      }
    }
    this.#ended.delete(callId);
    this.#ended.set(callId, now + ttlSeconds * 1000);
    return Promise.resolve();
  }

  isRevoked(callId: string): Promise<boolean> {
    const until = this.#ended.get(callId);
    if (until === undefined) return Promise.resolve(false);
    if (until <= Date.now()) {
      this.#ended.delete(callId);
      return Promise.resolve(false);
    }
    return Promise.resolve(true);
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

/** State for a single replica (no REDIS_URL). */
export function memoryState(options: {
  emergencyMode: EmergencyLevel;
  disabledFunctions: readonly string[];
}): SharedState {
  const stores: MemoryStore[] = [];
  return {
    kind: 'memory',
    revocations: new MemoryRevocationStore(),
    sessions: new MemorySessionBindings(),
    emergency: new MemoryEmergencyStore(options.emergencyMode, options.disabledFunctions),
    limiterStore() {
      const store = new MemoryStore();
      stores.push(store);
      return store;
    },
    close() {
      for (const store of stores) store.shutdown();
      return Promise.resolve();
    },
  };
}
