// The post_prompt route: token-checked, ends the call's tokens, hands the summary to onSummary().
import type { Request, Response } from 'express';
import { auditContext } from '../http/context.js';
import { sendError, sendJsonText } from '../http/errors.js';
import { sanitize, sensitiveSet } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { checkToken } from './token-check.js';

const OK = JSON.stringify({ status: 'ok' });

function summaryOf(body: Record<string, unknown>): unknown {
  const data = body.post_prompt_data;
  if (data === null || typeof data !== 'object') return undefined;
  const { parsed, raw } = data as { parsed?: unknown; raw?: unknown };
  return Array.isArray(parsed) && parsed.length > 0 ? parsed[0] : raw;
}

export function postPromptHandler(rt: Runtime) {
  const redactAll = sensitiveSet();

  return async function postPrompt(req: Request, res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const callId = typeof body.call_id === 'string' ? body.call_id : undefined;
    const ctx = auditContext(req, callId);
    const failure = await checkToken(rt, req, 'post_prompt', callId);
    if (failure !== undefined || callId === undefined) {
      rt.audit.security('token_rejected', ctx, { function: 'post_prompt', reason: failure ?? 'wrong_call' });
      return sendError(res, 403);
    }
    // The call is over: no token minted for it may be used again, on any replica.
    let revoked = true;
    try {
      await rt.state.revocations.revokeCall(callId, rt.tokens.ttlSeconds);
    } catch (err) {
      revoked = false;
      rt.reportOutage('revocation_write', err);
    }
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
      tokens_revoked: revoked,
      summary_received: summary !== undefined,
      ...details,
    });
    sendJsonText(res, 200, OK);
  };
}
