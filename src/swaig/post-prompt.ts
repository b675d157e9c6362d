// The post_prompt route: token-checked; the end of a call revokes its tokens and hands the summary to onSummary().
import type { Request, Response } from 'express';
import { auditContext } from '../http/context.js';
import { sendError, sendJsonText } from '../http/errors.js';
import { sanitize, sensitiveSet } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { postPromptRoute } from './post-prompt-action.js';
import { checkToken } from './token-check.js';

const OK = JSON.stringify({ status: 'ok' });
/** What SignalWire's SDKs answer to a post_prompt that is not the end of the call. */
const SUCCESS = JSON.stringify({ success: true });

export function postPromptHandler(rt: Runtime) {
  const redactAll = sensitiveSet();

  return async function postPrompt(req: Request, res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    // Only post_conversation or the calling.call.ai.complete envelope end the call (see post-prompt-action.ts).
    const route = postPromptRoute(body);
    const callId = route.callId;
    const ctx = auditContext(req, callId);
    const { failure, session } = await checkToken(rt, req, 'post_prompt', callId);
    if (failure !== undefined || callId === undefined) {
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
    // The call is over: no token minted for it may be used again, on any replica.
    let revoked = true;
    try {
      await rt.state.revocations.revokeCall(callId, rt.tokens.ttlSeconds);
      // A call started by GET: its session ends too, so its tokens can never be bound to another call.
      if (session !== undefined) await rt.state.revocations.revokeCall(session, rt.tokens.ttlSeconds);
    } catch (err) {
      revoked = false;
      rt.reportOutage('revocation_write', err);
    }
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
      tokens_revoked: revoked,
      summary_received: summary !== undefined,
      ...details,
    });
    sendJsonText(res, 200, OK);
  };
}
