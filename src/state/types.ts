// Interfaces for the state replicas must share: token revocations, emergency mode, limiter counters.
import type { Store } from 'express-rate-limit';
import type { EmergencyLevel } from '../config/index.js';

/** Ended calls whose tokens must no longer work, each until its tokens expire. */
export interface RevocationStore {
  /**
   * Refuses the call's tokens until `until` (seconds since the epoch: the latest expiry of its tokens).
   * Takes effect on this replica before the promise settles; rejects when it could not be made durable or
   * shared (a `SharedStateUnavailableError` when it is queued for Redis).
   */
  revokeCall(callId: string, until: number): Promise<void>;
  isRevoked(callId: string): Promise<boolean>;
}

/**
 * Sessions of SWML fetched without a call id (GET): each is bound once, atomically, to the call_id of the
 * first request that presents one of its tokens. Entries expire with the tokens.
 */
export interface SessionBindingStore {
  /** Binds `session` to `callId` unless it is bound already; resolves to the call id it is bound to. */
  bind(session: string, callId: string, ttlSeconds: number): Promise<string | undefined>;
}

/** Emergency level and disabled tools. Reads are synchronous (hot path); writes propagate to replicas. */
export interface EmergencyStore {
  level(): EmergencyLevel;
  isDisabled(functionName: string): boolean;
  disabledFunctions(): string[];
  setLevel(level: EmergencyLevel): Promise<void>;
  setFunctionEnabled(functionName: string, enabled: boolean): Promise<void>;
  /** Called with the new level whenever it changes (here or on another replica). */
  onChange(listener: (level: EmergencyLevel) => void): void;
}

/** Everything shared; `close()` releases connections and timers. */
export interface SharedState {
  readonly kind: 'memory' | 'redis';
  readonly revocations: RevocationStore;
  readonly sessions: SessionBindingStore;
  readonly emergency: EmergencyStore;
  /**
   * A new, uninitialised express-rate-limit store for one limiter (the prefix keeps limiters apart in Redis).
   * `rateLimit()` initialises it; counters used directly call `initCounter()`.
   */
  limiterStore(prefix: string): Store;
  /**
   * Calls `listener` with whether the store can answer, at once and on every change (swml_shared_state_up).
   * Absent: always up (process memory).
   */
  watchHealth?(listener: (up: boolean) => void): void;
  /** Resolves once the state has been read from its store (memory: at once). Optional; tests use it. */
  ready?(): Promise<void>;
  close(): Promise<void>;
}
