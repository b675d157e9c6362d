// The function-token gate for secure tools and post_prompt: every check of SPEC 6.2, one uniform 403.
import type { Request } from 'express';
import type { TokenClaims, TokenFailure } from '../security/function-token.js';
import type { Runtime } from '../runtime.js';

/**
 * Why a token was refused. `revocation_unavailable`: the token is good but the shared state could not
 * say whether its call has ended; counted as `revoked` in the (bounded) metric, named in the audit.
 */
export type TokenRefusal = TokenFailure | 'revocation_unavailable';

/** `__token` (what we mint) or `token` (accepted too); a repeated parameter is malformed. */
function tokenFrom(req: Request): string | undefined | null {
  const query = req.query as Record<string, unknown>;
  const value = query.__token ?? query.token;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * Verifies the request's token for `functionName` and the body's `call_id`, then that the call has not
 * ended. No check is skipped: a missing token or call_id fails. Returns the token's claims, or the failure
 * reason (counted in `swml_auth_failures_total{layer="token"}`).
 * If the revocation store cannot answer, the token is refused: for tools that move money we fail closed.
 * `post_prompt` passes `endsCall`: ending a call that may already be ended only revokes again, so there
 * an unanswerable revocation check lets the call end (SPEC 6.2: the call still ends while Redis is down).
 */
export async function verifyCallToken(
  rt: Runtime,
  req: Request,
  functionName: string,
  callId: string | undefined,
  options: { endsCall?: boolean } = {},
): Promise<TokenClaims | TokenRefusal> {
  const token = tokenFrom(req);
  const claims = token === null ? 'malformed' : rt.tokens.verify(token, functionName, callId);
  let failure: TokenRefusal | undefined = typeof claims === 'string' ? claims : undefined;
  if (failure === undefined && callId !== undefined) {
    try {
      if (await rt.state.revocations.isRevoked(callId)) failure = 'revoked';
    } catch (err) {
      if (options.endsCall) rt.reportOutage('end_call_check', err);
      else {
        rt.reportOutage('revocation_check', err);
        failure = 'revocation_unavailable';
      }
    }
  }
  if (failure !== undefined) {
    const reason = failure === 'revocation_unavailable' ? 'revoked' : failure;
    rt.metrics.authFailures.inc({ layer: 'token', reason });
    return failure;
  }
  return claims;
}

/** The check for secure tools: the failure reason, or undefined when the token is good. */
export async function checkToken(
  rt: Runtime,
  req: Request,
  functionName: string,
  callId: string | undefined,
): Promise<TokenRefusal | undefined> {
  const result = await verifyCallToken(rt, req, functionName, callId);
  return typeof result === 'string' ? result : undefined;
}
