// What a function token is bound to: SignalWire's call_id, or a one-time session for SWML fetched without one.
import { randomBytes } from 'node:crypto';

/** A call id as SignalWire sends it (a UUID in practice); never contains the session mark. */
export const CALL_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Why sessions: SWML fetched by GET (or a POST without `call.call_id`) carries no call id, and a token bound
 * to an id we made up would fail for the whole call. Such tokens are bound to a random session instead;
 * the first SWAIG or post_prompt request that presents one binds the session, atomically in the shared
 * state, to the call_id SignalWire sends in that request, and from then on the session's tokens work for
 * that call only. `~` cannot appear in a call id, so no client can pass a session off as a call id.
 */
const SESSION_MARK = '~';

/** A fresh session subject to mint tokens for. */
export function newSessionSubject(): string {
  return `${SESSION_MARK}${randomBytes(16).toString('base64url')}`;
}

/** True when a token's subject is a session (not yet, or already, bound to a call). */
export function isSessionSubject(subject: string): boolean {
  return subject.startsWith(SESSION_MARK);
}
