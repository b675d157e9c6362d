// HTTP Basic Auth (RFC 7617) for every webhook: constant-time, any scheme case, passwords may contain ':'.
import type { Request } from 'express';
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
  const passwordDigests = [options.password, options.previousPassword]
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .map((p) => sha256(p));

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

/** The challenge header sent with every 401. */
export const WWW_AUTHENTICATE = 'Basic realm="swml-guard"';
