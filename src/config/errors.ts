// Configuration errors and warnings: named codes (documented in docs/error-codes.md), secrets masked.

/** Exit code for a configuration error (EX_CONFIG from sysexits.h). */
export const EXIT_CONFIG = 78;

/** A setting that stops startup: one precise message naming the variable, the problem and the fix. */
export class ConfigError extends Error {
  readonly code: string;
  readonly exitCode = EXIT_CONFIG;

  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'ConfigError';
    this.code = code;
  }
}

/** What one configuration rule found: an error stops startup (exit 78), a warning is logged once. */
export interface ConfigFinding {
  readonly level: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
}

/** A setting that works but is risky; logged once at startup as a `config_warning` audit event. */
export interface ConfigWarning {
  code: string;
  message: string;
}

/** The fix we print for every secret that must be strong. */
export const GENERATE_HINT = 'generate one with `npx swml-guard secret` or `openssl rand -base64 48`';
