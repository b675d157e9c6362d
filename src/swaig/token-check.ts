// The function-token gate for secure tools and post_prompt: every check of SPEC 6.2, one uniform 403.
import type { Request } from 'express';
import type { TokenClaims, TokenFailure } from '../security/function-token.js';
import { timingSafeEqual } from '../security/timing-safe.js';
import type { Runtime } from '../runtime.js';

/**
 * Why a token was refused. `revocation_unavailable` / `binding_unavailable`: the token is good but the
 * shared state could not say whether its call has ended, or bind its session; counted as `revoked` in the
 * (bounded) metric, named in the audit.
 */
export type TokenRefusal = TokenFailure | 'revocation_unavailable' | 'binding_unavailable';

/** The verdict: a refusal reason if any, and for a session-bound token its session (to log, and to end with the call). */
export interface TokenCheck {
  failure?: TokenRefusal;
  session?: string;
  /** The good token's claims (its expiry bounds how long an ended call must stay revoked). */
  claims?: TokenClaims;
}

/** `__token` (what we mint) or `token` (accepted too); a repeated parameter is malformed. */
function tokenFrom(req: Request): string | undefined | null {
  const query = req.query as Record<string, unknown>;
  const value = query.__token ?? query.token;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * A session token (SWML fetched without a call id) is bound, atomically in the shared state, to the call_id
 * of the first request that presents one of its tokens; any other call_id is then `wrong_call`. The binding
 * lasts as long as the token. If the state cannot answer, the token is refused (fail closed).
 */
async function bindSession(
  rt: Runtime,
  claims: TokenClaims,
  callId: string,
): Promise<TokenRefusal | undefined> {
  try {
    const ttl = Math.max(1, claims.exp - Math.floor(Date.now() / 1000));
    const bound = await rt.state.sessions.bind(claims.callId, callId, ttl);
    return bound !== undefined && timingSafeEqual(bound, callId) ? undefined : 'wrong_call';
  } catch (err) {
    rt.reportOutage('session_binding', err);
    return 'binding_unavailable';
  }
}

/**
 * Verifies the request's token for `functionName` and the body's `call_id`, then that the call (and, for a
 * session token, its session) has not ended. No check is skipped: a missing token or call_id fails. The
 * failure reason is counted in `swml_auth_failures_total{layer="token"}`; a good token's claims come back.
 * If the revocation store cannot answer, the token is refused: for tools that move money we fail closed.
 * `post_prompt` passes `endsCall`: ending a call that may already be ended only revokes again, so there
 * an unanswerable revocation check lets the call end (SPEC 6.2: the call still ends while Redis is down).
 */
export async function checkToken(
  rt: Runtime,
  req: Request,
  functionName: string,
  callId: string | undefined,
  options: { endsCall?: boolean } = {},
): Promise<TokenCheck> {
  const token = tokenFrom(req);
  const claims = token === null ? 'malformed' : rt.tokens.verify(token, functionName, callId);
  let failure: TokenRefusal | undefined = typeof claims === 'string' ? claims : undefined;
  const session = typeof claims === 'object' && claims.session ? claims.callId : undefined;
  if (failure === undefined && typeof claims === 'object' && session !== undefined && callId !== undefined)
    failure = await bindSession(rt, claims, callId);
  if (failure === undefined && callId !== undefined) {
    try {
      const ended =
        (await rt.state.revocations.isRevoked(callId)) ||
        (session !== undefined && (await rt.state.revocations.isRevoked(session)));
      if (ended) failure = 'revoked';
    } catch (err) {
      if (options.endsCall) rt.reportOutage('end_call_check', err);
      else {
        rt.reportOutage('revocation_check', err);
        failure = 'revocation_unavailable';
      }
    }
  }
  if (failure !== undefined) {
    const reason =
      failure === 'revocation_unavailable' || failure === 'binding_unavailable' ? 'revoked' : failure;
    rt.metrics.authFailures.inc({ layer: 'token', reason });
    return session === undefined ? { failure } : { failure, session };
  }
  if (typeof claims !== 'object') return { failure: claims };
  return session === undefined ? { claims } : { claims, session };
}
