// The call a SWML fetch starts: SignalWire's call id and caller from the POST body, or a fresh session.
import type { Unit } from '../http/pipeline.js';
import { CALL_ID, newSessionSubject } from '../security/token-subject.js';

/**
 * Only SignalWire's POST names the call. A GET (or a POST without call.call_id) never picks the call id
 * its tokens are bound to, not even through a query or a body: they are bound to a one-time session,
 * which the first SWAIG request binds to SignalWire's own call_id (src/security/token-subject.ts).
 */
export function swmlCall(): Unit {
  return {
    name: 'swml-call',
    run(req, _res, state) {
      const call = req.method === 'POST' ? state.body?.call : undefined;
      const fields = call !== null && typeof call === 'object' ? (call as Record<string, unknown>) : {};
      const callId =
        typeof fields.call_id === 'string' && CALL_ID.test(fields.call_id) ? fields.call_id : undefined;
      const from = typeof fields.from === 'string' && fields.from.length <= 64 ? fields.from : undefined;
      state.swml = { callId, subject: callId ?? newSessionSubject(), from };
      state.setCallId(callId);
      return undefined;
    },
  };
}
