// The post_prompt route's last step: the end of a call revokes its tokens and hands the summary to onSummary().
import type { Request, Response } from 'express';
import type { Handler, Unit } from '../http/pipeline.js';
import type { RequestState, TokenGrant } from '../http/request-state.js';
import type { Responder } from '../http/respond.js';
import { sanitize, sensitiveSet } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { errorSummary } from '../state/outage-log.js';
import { SharedStateUnavailableError } from '../state/redis-emergency.js';
import type { TokenSubject } from '../security/token.js';
import { postPromptRoute, type PostPromptRoute } from './post-prompt-action.js';

const OK = JSON.stringify({ status: 'ok' });
/** What SignalWire's SDKs answer to a post_prompt that is not the end of the call. */
const SUCCESS = JSON.stringify({ success: true });

/** The post's meaning (post-prompt-action.ts) and its call id, before the token is checked. */
export function postPromptAction(): Unit {
  return {
    name: 'post-prompt-action',
    run(_req, _res, state) {
      state.ending = postPromptRoute(state.body ?? {});
      state.setCallId(state.ending.callId);
      return undefined;
    },
  };
}

/** What a post_prompt's token must be for: `post_prompt`, the post's call id; ending the call or not. */
export function postPromptSubject(state: RequestState): TokenSubject {
  const ending = state.ending as PostPromptRoute;
  return { functionName: 'post_prompt', callId: ending.callId, endsCall: ending.kind !== 'other' };
}

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

export function postPromptHandler(rt: Runtime, respond: Responder): Handler {
  const redactAll = sensitiveSet();

  return async function postPrompt(req: Request, res: Response, state: RequestState): Promise<void> {
    const ending = state.ending as PostPromptRoute;
    const { exp, session } = state.token as TokenGrant;
    const callId = ending.callId as string; // the token unit refused a post without one
    if (ending.kind === 'other') {
      req.log.info(
        { call_id: callId, request_id: state.id, action: ending.action },
        'post_prompt action answered; the call goes on and its tokens stay valid',
      );
      return respond.json(req, res, state, 200, SUCCESS);
    }
    const revocation = await revoke(rt, callId, exp);
    // A call started by GET: its session ends too, so its tokens can never be bound to another call.
    if (session !== undefined) await revoke(rt, session, exp);
    let details: Record<string, unknown> | undefined;
    try {
      const returned = await rt.agent.summaryHandler?.(ending.summary, state.body ?? {});
      if (returned !== null && typeof returned === 'object')
        details = sanitize(returned, redactAll) as Record<string, unknown>;
    } catch (err) {
      req.log.error({ err, call_id: callId }, 'onSummary handler failed');
    }
    rt.audit.event('call_end', state.audit, {
      end: ending.action,
      session_id: session,
      tokens_revoked: true,
      revocation,
      summary_received: ending.summary !== undefined,
      ...details,
    });
    respond.json(req, res, state, 200, OK);
  };
}
