// The SWML route: toll-fraud call limits and emergency mode first, then the document for this call.
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { auditContext } from '../http/context.js';
import { sendJsonText } from '../http/errors.js';
import { maskPhone } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { callDocument } from './per-call.js';
import { refusalSwml, swmlRenderer } from './render.js';

const CALL_ID = /^[A-Za-z0-9._:-]{1,128}$/;
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
    const call = (req.body as { call?: unknown } | undefined)?.call;
    const fields = call !== null && typeof call === 'object' ? (call as Record<string, unknown>) : {};
    const callId =
      typeof fields.call_id === 'string' && CALL_ID.test(fields.call_id) ? fields.call_id : randomUUID();
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
    audit.event('call_start', ctx, { caller: maskPhone(from), method: req.method });
    const doc = document(req, { baseUrl: baseUrl(req), callId });
    sendJsonText(res, 200, typeof doc === 'string' ? doc : await doc);
  };
}
