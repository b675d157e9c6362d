// The SWML route: toll-fraud call limits and emergency mode first, then the document for this call.
import type { Request, Response } from 'express';
import { auditContext } from '../http/context.js';
import { sendJsonText } from '../http/errors.js';
import { maskPhone } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { CALL_ID, newSessionSubject } from '../security/token-subject.js';
import { callDocument } from './per-call.js';
import { refusalSwml, swmlRenderer } from './render.js';

const LIMITED = refusalSwml("We're sorry, we can't take your call right now. Please try again later.");
const UNAVAILABLE = refusalSwml('This service is temporarily unavailable. Please try again later.');

/** Builds the SWML handler; `baseUrl` resolves the public base per request. */
export function swmlHandler(rt: Runtime, baseUrl: (req: Request) => string) {
  const renderer = swmlRenderer(rt.agent, {
    user: rt.config.basicAuth.user,
    password: rt.config.basicAuth.password,
    tokens: rt.tokens,
  });
  const document = callDocument(rt, renderer);
  const { metrics, audit, config } = rt;

  /** Over a limit? Store errors fail open: a Redis outage must not stop every call (logged). */
  async function overLimit(counter: Runtime['callCounter'], key: string, limit: number): Promise<boolean> {
    try {
      return await counter.hit(key, limit);
    } catch (err) {
      rt.reportOutage('call_limit', err);
      return false;
    }
  }

  return async function serveSwml(req: Request, res: Response): Promise<void> {
    // Only SignalWire's POST names the call. A GET (or a POST without call.call_id) never picks the call id
    // its tokens are bound to, not even through a query or a body: they are bound to a one-time session,
    // which the first SWAIG request binds to SignalWire's own call_id (src/security/token-subject.ts).
    const call = req.method === 'POST' ? (req.body as { call?: unknown } | undefined)?.call : undefined;
    const fields = call !== null && typeof call === 'object' ? (call as Record<string, unknown>) : {};
    const callId =
      typeof fields.call_id === 'string' && CALL_ID.test(fields.call_id) ? fields.call_id : undefined;
    const subject = callId ?? newSessionSubject();
    const binding = callId !== undefined ? 'call_id' : 'first_swaig_call_id';
    const from = typeof fields.from === 'string' && fields.from.length <= 64 ? fields.from : undefined;
    const ctx = auditContext(req, callId);

    if (rt.state.emergency.level() === 'all') {
      metrics.callsStarted.inc({ outcome: 'emergency' });
      audit.security('emergency_block', ctx, { route: 'swml', level: 'all', caller: maskPhone(from) });
      return sendJsonText(res, 200, UNAVAILABLE);
    }
    const limiter = (await overLimit(rt.globalCallCounter, 'all', config.limits.callRate))
      ? 'global'
      : from !== undefined && (await overLimit(rt.callCounter, from, config.limits.callerCall))
        ? 'call'
        : undefined;
    if (limiter !== undefined) {
      metrics.callsStarted.inc({ outcome: 'limited' });
      metrics.rateLimited.inc({ limiter });
      audit.event('call_limited', ctx, { limiter, caller: maskPhone(from) });
      return sendJsonText(res, 200, LIMITED);
    }
    metrics.callsStarted.inc({ outcome: 'ok' });
    audit.event('call_start', ctx, {
      caller: maskPhone(from),
      method: req.method,
      token_binding: binding,
      ...(callId === undefined ? { session_id: subject } : {}),
    });
    const doc = document(req, { baseUrl: baseUrl(req), callId: subject });
    sendJsonText(res, 200, typeof doc === 'string' ? doc : await doc);
  };
}
