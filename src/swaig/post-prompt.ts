// The post_prompt route: token-checked, ends the call's tokens, hands the summary to onSummary().
import type { Request, Response } from 'express';
import { auditContext } from '../http/context.js';
import { sendError, sendJsonText } from '../http/errors.js';
import { sanitize, sensitiveSet } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { errorSummary } from '../state/outage-log.js';
import { SharedStateUnavailableError } from '../state/redis-emergency.js';
import { verifyCallToken } from './token-check.js';

const OK = JSON.stringify({ status: 'ok' });

function summaryOf(body: Record<string, unknown>): unknown {
  const data = body.post_prompt_data;
  if (data === null || typeof data !== 'object') return undefined;
  const { parsed, raw } = data as { parsed?: unknown; raw?: unknown };
  return Array.isArray(parsed) && parsed.length > 0 ? parsed[0] : raw;
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

export function postPromptHandler(rt: Runtime) {
  const redactAll = sensitiveSet();

  return async function postPrompt(req: Request, res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const callId = typeof body.call_id === 'string' ? body.call_id : undefined;
    const ctx = auditContext(req, callId);
    const claims = await verifyCallToken(rt, req, 'post_prompt', callId, { endsCall: true });
    if (typeof claims === 'string' || callId === undefined) {
      const reason = typeof claims === 'string' ? claims : 'wrong_call';
      rt.audit.security('token_rejected', ctx, { function: 'post_prompt', reason });
      return sendError(res, 403);
    }
    const revocation = await revoke(rt, callId, claims.exp);
    const summary = summaryOf(body);
    let details: Record<string, unknown> | undefined;
    try {
      const returned = await rt.agent.summaryHandler?.(summary, body);
      if (returned !== null && typeof returned === 'object')
        details = sanitize(returned, redactAll) as Record<string, unknown>;
    } catch (err) {
      rt.logger.error({ err, call_id: callId }, 'onSummary handler failed');
    }
    rt.audit.event('call_end', ctx, {
      tokens_revoked: true,
      revocation,
      summary_received: summary !== undefined,
      ...details,
    });
    sendJsonText(res, 200, OK);
  };
}
