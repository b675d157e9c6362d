// The SWML route's last step: the call is started (audited, counted) and its document rendered with fresh tokens.
import type { Request, Response } from 'express';
import type { Handler } from '../http/pipeline.js';
import type { RequestState, SwmlCall } from '../http/request-state.js';
import type { Responder } from '../http/respond.js';
import { maskPhone } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { callDocument } from './per-call.js';
import { swmlRenderer } from './render.js';

/**
 * Builds the handler; the document around the per-call holes (base URL, tokens) is precomputed here.
 * `publicBase` is the one public-URL rule (src/http/public-url.ts), also used by signatures.
 */
export function swmlHandler(rt: Runtime, respond: Responder, publicBase: (req: Request) => string): Handler {
  const renderer = swmlRenderer(rt.agent, {
    user: rt.config.basicAuth.user,
    password: rt.config.basicAuth.password,
    tokens: rt.tokens,
  });
  const document = callDocument(rt, renderer);
  const started = rt.metrics.callsStarted.labels('ok');

  return function serveSwml(req: Request, res: Response, state: RequestState): void | Promise<void> {
    const call = state.swml as SwmlCall;
    started.inc();
    rt.audit.event('call_start', state.audit, {
      caller: maskPhone(call.from),
      method: req.method,
      token_binding: call.callId !== undefined ? 'call_id' : 'first_swaig_call_id',
      ...(call.callId === undefined ? { session_id: call.subject } : {}),
    });
    const doc = document(req, { baseUrl: publicBase(req), callId: call.subject });
    if (typeof doc === 'string') return respond.json(req, res, state, 200, doc);
    return doc.then((text) => respond.json(req, res, state, 200, text));
  };
}
