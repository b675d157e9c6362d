// HTTP Basic Auth (RFC 7617) for every webhook: constant-time, any scheme case, passwords may contain ':'.
import type { Request } from 'express';
import type { Unit } from '../http/pipeline.js';
import { refusal, type Countable } from '../http/refusal.js';
import type { AuthFailureGate } from './auth-failure-gate.js';
import { sha256, timingSafeEqualDigest } from './timing-safe.js';

export interface BasicAuthOptions {
  user: string;
  password: string;
  /** Still accepted during a rotation. */
  previousPassword?: string | undefined;
}

/** Why a request failed Basic Auth; the `reason` label of `swml_auth_failures_total{layer="basic"}`. */
export type BasicAuthFailure = 'missing' | 'malformed' | 'invalid';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The challenge header sent with every 401. */
export const WWW_AUTHENTICATE = 'Basic realm="swml-guard"';

const passwordsOf = (o: BasicAuthOptions) =>
  [o.password, o.previousPassword].filter((p): p is string => typeof p === 'string' && p.length > 0);

/**
 * Builds a checker that returns `undefined` for valid credentials or the failure reason.
 * Credential digests are computed once here; per request we decode, hash and compare.
 * Both the user and the password are always compared (no short-circuit on the user),
 * so timing does not reveal which one was wrong.
 *
 * @example
 * const check = basicAuthChecker({ user: 'signalwire', password });
 * const failure = check(req); // undefined | 'missing' | 'malformed' | 'invalid'
 */
export function basicAuthChecker(options: BasicAuthOptions): (req: Request) => BasicAuthFailure | undefined {
  const userDigest = sha256(options.user);
  const passwordDigests = passwordsOf(options).map((p) => sha256(p));

  return function checkBasicAuth(req) {
    const header = req.headers.authorization;
    if (header === undefined || header === '') return 'missing';
    const space = header.indexOf(' ');
    if (space === -1 || header.slice(0, space).toLowerCase() !== 'basic') return 'malformed';
    const encoded = header.slice(space + 1).trim();
    if (encoded.length === 0 || encoded.length > 4096 || !BASE64.test(encoded)) return 'malformed';
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return 'malformed';
    const userOk = timingSafeEqualDigest(decoded.slice(0, colon), userDigest);
    const password = decoded.slice(colon + 1);
    let passwordOk = false;
    for (const d of passwordDigests) passwordOk = timingSafeEqualDigest(password, d) || passwordOk;
    return userOk && passwordOk ? undefined : 'invalid';
  };
}

/**
 * The Basic Auth unit. A failure is counted in `swml_auth_failures_total{layer="basic"}` and audited as
 * `auth_failure`, then counted by the failed-auth gate, whose answer decides 401 or 429.
 *
 * Why a fast path: SignalWire sends the header exactly as `Basic base64(user:password)`. That exact text
 * is hashed once here; a request whose header hashes to it (compared in constant time, against every
 * accepted password, no short-circuit) is in with one digest instead of a decode and two. Anything else
 * takes the full RFC 7617 check above. Timing tells only whether the header was that exact text, which a
 * client learns anyway from the 200.
 */
export function basicAuth(
  options: BasicAuthOptions & {
    failures: AuthFailureGate;
    /** swml_auth_failures_total{layer="basic", reason}. */
    counts: Readonly<Record<BasicAuthFailure, Countable>>;
  },
): Unit {
  const check = basicAuthChecker(options);
  const b64 = (p: string) => Buffer.from(`${options.user}:${p}`).toString('base64');
  const exact = passwordsOf(options).map((p) => sha256(`Basic ${b64(p)}`));
  const challenge = ['WWW-Authenticate', WWW_AUTHENTICATE];
  const { failures } = options;

  return {
    name: 'basic-auth',
    run(req, _res, state) {
      const header = req.headers.authorization;
      if (header !== undefined && header.length < 8192) {
        let ok = false;
        for (const digest of exact) ok = timingSafeEqualDigest(header, digest) || ok;
        if (ok) return undefined;
      }
      const reason = check(req);
      if (reason === undefined) return undefined;
      const failed = refusal(401, {
        headers: challenge,
        counts: [options.counts[reason]],
        audit: 'auth_failure',
        details: { layer: 'basic', reason, route: state.route.template },
      });
      return failures
        .countFailure(state)
        .then((limited) => (limited ? { ...limited, also: failed } : failed));
    },
  };
}
