// Node server limits on the agent port: Node refuses a request timeout shorter than the headers timeout.
import type { ConfigFinding } from './errors.js';

/** Says so by name instead of letting Node throw at listen time. */
export function serverLimitsRule(s: {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}): ConfigFinding | undefined {
  if (s.requestTimeoutMs >= s.headersTimeoutMs) return undefined;
  return {
    level: 'error',
    code: 'ERR_SWML_INVALID_ENV',
    message: `SWML_REQUEST_TIMEOUT_MS (${s.requestTimeoutMs}) must be at least SWML_HEADERS_TIMEOUT_MS (${s.headersTimeoutMs}): the whole request includes its headers.`,
  };
}
