// The resolved configuration's shape: what loadConfig hands every layer (frozen).
import type { ConfigWarning } from './errors.js';

export type EmergencyLevel = 'off' | 'secure' | 'all';

/** The resolved, frozen configuration every layer is built from. */
export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly logLevel: string;
  readonly basicAuth: {
    readonly user: string;
    readonly password: string;
    readonly previousPassword: string | undefined;
    readonly generated: boolean;
  };
  readonly token: {
    readonly secret: string;
    readonly previousSecret: string | undefined;
    readonly ttlSeconds: number;
    readonly generated: boolean;
  };
  /** Absolute http(s) URL without trailing slash, or undefined. */
  readonly proxyUrlBase: string | undefined;
  readonly trustProxy: number;
  readonly domain: string | undefined;
  readonly tls: { readonly enabled: boolean; readonly cert?: Buffer; readonly key?: Buffer };
  readonly signingKey: string | undefined;
  readonly maxRequestSize: number;
  /** Body limit of the post_prompt route only: the end-of-call summary carries the whole conversation. */
  readonly maxPostPromptSize: number;
  readonly functionTimeoutMs: number;
  /** Lame-duck time on shutdown: /ready answers 503 while requests are still served. */
  readonly shutdownDelayMs: number;
  /** Node server limits on the agent port (slow clients, connection floods). */
  readonly server: {
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly maxConnections: number;
  };
  readonly limits: {
    readonly ip: number;
    readonly authFailures: number;
    readonly callerFunction: number;
    readonly callerCall: number;
    readonly callRate: number;
  };
  readonly emergencyMode: EmergencyLevel;
  readonly disabledFunctions: readonly string[];
  readonly adminToken: string | undefined;
  readonly auditLogFile: string | undefined;
  /** Rotation of the audit file: bytes per file, files kept. */
  readonly auditLogRotation: { readonly maxBytes: number; readonly files: number };
  readonly redisUrl: string | undefined;
  /** Absolute folder for the durable revocation file (used only without Redis), or undefined. */
  readonly stateDir: string | undefined;
  readonly agentModule: string | undefined;
  readonly warnings: readonly ConfigWarning[];
}
