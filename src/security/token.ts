// The function-token unit for secure tools and post_prompt: every check of SPEC 6.2, one uniform 403.
import type { Request } from 'express';
import { parse as parseQuery } from 'node:querystring';
import type { Unit } from '../http/pipeline.js';
import { refusal, type Countable } from '../http/refusal.js';
import type { RequestState } from '../http/request-state.js';
import type { AuthReason } from '../observability/metrics.js';
import type { SharedState } from '../state/types.js';
import type { OutageReporter } from '../state/outage-log.js';
import type { FunctionTokens, TokenClaims, TokenFailure } from './function-token.js';
import { timingSafeEqual } from './timing-safe.js';

/**
 * Why a token was refused. `revocation_unavailable` / `binding_unavailable`: the token is good but the
 * shared state could not say whether its call has ended, or bind its session; counted as `revoked` in the
 * (bounded) metric, named in the audit.
 */
export type TokenRefusal = TokenFailure | 'revocation_unavailable' | 'binding_unavailable';

/** What a request's token must be for: the function, the body's call_id, and whether the post ends the call. */
export interface TokenSubject {
  functionName: string;
  callId: string | undefined;
  endsCall: boolean;
}

export interface TokenUnitOptions {
  tokens: FunctionTokens;
  /** The shared state: revocations and session bindings. */
  state: SharedState;
  reportOutage: OutageReporter;
  /** swml_auth_failures_total{layer="token", reason}. */
  counts: Readonly<Record<AuthReason, Countable>>;
  /** The subject of this route's requests, or undefined when no token is needed (an open tool). */
  subject(state: RequestState): TokenSubject | undefined;
}

/** `__token` (what we mint) or `token` (accepted too), from the query string; a repeated parameter is malformed. */
function tokenFrom(req: Request): string | undefined | null {
  const q = req.url.indexOf('?');
  if (q === -1) return undefined;
  const query = parseQuery(req.url.slice(q + 1));
  const value = query.__token ?? query.token;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * Verifies the request's token for the subject's function and call_id, then that the call (and, for a
 * session token, its session) has not ended. No check is skipped: a missing token or call_id fails. If
 * the revocation store cannot answer, the token is refused: for tools that move money we fail closed.
 * A post that ends the call passes `endsCall`: ending a call that may already be ended only revokes
 * again, so there an unanswerable revocation check lets the call end (SPEC 6.2: the call still ends
 * while Redis is down). A session token (SWML fetched without a call id) is bound, atomically in the
 * shared state, to the call_id of the first request that presents one of its tokens; any other call_id
 * is then `wrong_call`; if the state cannot answer, the token is refused (fail closed).
 */
export function functionToken(options: TokenUnitOptions): Unit {
  const { tokens, state: shared, reportOutage } = options;

  async function check(
    req: Request,
    s: TokenSubject,
    state: RequestState,
  ): Promise<TokenRefusal | undefined> {
    const token = tokenFrom(req);
    const claims = token === null ? 'malformed' : tokens.verify(token, s.functionName, s.callId);
    if (typeof claims === 'string') return claims;
    const callId = s.callId as string; // verify() fails without one
    if (claims.session) {
      state.session = claims.callId;
      const bound = await bind(claims, callId);
      if (bound !== undefined) return bound;
    }
    try {
      const ended =
        (await shared.revocations.isRevoked(callId)) ||
        (state.session !== undefined && (await shared.revocations.isRevoked(state.session)));
      if (ended) return 'revoked';
    } catch (err) {
      if (!s.endsCall) {
        reportOutage('revocation_check', err);
        return 'revocation_unavailable';
      }
      reportOutage('end_call_check', err);
    }
    state.token = { exp: claims.exp, session: state.session };
    return undefined;
  }

  async function bind(claims: TokenClaims, callId: string): Promise<TokenRefusal | undefined> {
    try {
      const ttl = Math.max(1, claims.exp - Math.floor(Date.now() / 1000));
      const bound = await shared.sessions.bind(claims.callId, callId, ttl);
      return bound !== undefined && timingSafeEqual(bound, callId) ? undefined : 'wrong_call';
    } catch (err) {
      reportOutage('session_binding', err);
      return 'binding_unavailable';
    }
  }

  function refused(s: TokenSubject, state: RequestState, failure: TokenRefusal) {
    const metric =
      failure === 'revocation_unavailable' || failure === 'binding_unavailable' ? 'revoked' : failure;
    return refusal(403, {
      counts: [options.counts[metric]],
      audit: 'token_rejected',
      details: { function: s.functionName, reason: failure, session_id: state.session },
      outcome: 'denied',
    });
  }

  return {
    name: 'function-token',
    run(req, _res, state) {
      const subject = options.subject(state);
      if (subject === undefined) return undefined;
      return check(req, subject, state).then((failure) =>
        failure === undefined ? undefined : refused(subject, state, failure),
      );
    },
  };
}
