// The post_prompt route: token-checked; the end of a call revokes its tokens and hands the summary to onSummary().
import type { Request, Response } from 'express';
import { auditContext } from '../http/context.js';
import { sendError, sendJsonText } from '../http/errors.js';
import { sanitize, sensitiveSet } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { errorSummary } from '../state/outage-log.js';
import { SharedStateUnavailableError } from '../state/redis-emergency.js';
import { postPromptRoute } from './post-prompt-action.js';
import { checkToken } from './token-check.js';

const OK = JSON.stringify({ status: 'ok' });
/** What SignalWire's SDKs answer to a post_prompt that is not the end of the call. */
const SUCCESS = JSON.stringify({ success: true });

/**
 * The call is over: no token minted for it may be used again, on any replica, after any restart, until the
 * last of them expires. Its tokens were minted with this TTL, so none outlives now + TTL; the post_prompt
 * token's own expiry covers a TTL lowered since they were minted. Refused on this replica at once in every
 * case; `stored` once durable (file or Redis), `queued` while Redis is down (written when it is back),
 * `memory_only` when the state folder could not be written (logged).
 */
async function revoke(
  rt: Runtime,
  callId: string,
  exp: number,
): Promise<'stored' | 'queued' | 'memory_only'> {
  const until = Math.max(exp, Math.floor(Date.now() / 1000) + rt.tokens.ttlSeconds);
  try {
    await rt.state.revocations.revokeCall(callId, until);
    return 'stored';
  } catch (err) {
    if (err instanceof SharedStateUnavailableError) {
      rt.reportOutage('revocation_write', err);
      return 'queued';
    }
    rt.logger.error(
      { call_id: callId, error: errorSummary(err) },
      'revocation not written to SWML_STATE_DIR: kept in memory only (lost on restart)',
    );
    return 'memory_only';
  }
}

export function postPromptHandler(rt: Runtime) {
  const redactAll = sensitiveSet();

  return async function postPrompt(req: Request, res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    // Only post_conversation or the calling.call.ai.complete envelope end the call (see post-prompt-action.ts).
    const route = postPromptRoute(body);
    const callId = route.callId;
    const ctx = auditContext(req, callId);
    const { failure, session, claims } = await checkToken(rt, req, 'post_prompt', callId, {
      endsCall: route.kind !== 'other',
    });
    if (failure !== undefined || claims === undefined || callId === undefined) {
      rt.audit.security('token_rejected', ctx, {
        function: 'post_prompt',
        reason: failure ?? 'wrong_call',
        session_id: session,
      });
      return sendError(res, 403);
    }
    if (route.kind === 'other') {
      rt.logger.info(
        { call_id: callId, request_id: ctx.request_id, action: route.action },
        'post_prompt action answered; the call goes on and its tokens stay valid',
      );
      return sendJsonText(res, 200, SUCCESS);
    }
    const revocation = await revoke(rt, callId, claims.exp);
    // A call started by GET: its session ends too, so its tokens can never be bound to another call.
    if (session !== undefined) await revoke(rt, session, claims.exp);
    const summary = route.summary;
    let details: Record<string, unknown> | undefined;
    try {
      const returned = await rt.agent.summaryHandler?.(summary, body);
      if (returned !== null && typeof returned === 'object')
        details = sanitize(returned, redactAll) as Record<string, unknown>;
    } catch (err) {
      rt.logger.error({ err, call_id: callId }, 'onSummary handler failed');
    }
    rt.audit.event('call_end', ctx, {
      end: route.action,
      session_id: session,
      tokens_revoked: true,
      revocation,
      summary_received: summary !== undefined,
      ...details,
    });
    sendJsonText(res, 200, OK);
  };
}
