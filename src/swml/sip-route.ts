// SIP routing (Python SDK: enable_sip_routing): the SWML route for SIP calls, only for registered usernames.
import type { Unit } from '../http/pipeline.js';
import { refusal } from '../http/refusal.js';
import { maskPhone } from '../observability/redact.js';
import { usernameFromCall } from '../agent/sip.js';

/**
 * A SIP call whose `call.to` names a registered username goes on to this agent's document (with the same
 * call limits and emergency checks). Any other username gets 404: unlike the Python SDK, which serves it
 * anyway, an unknown username here is a misrouted call or someone scanning for open SIP endpoints.
 */
export function sipUser(usernames: ReadonlySet<string>): Unit {
  return {
    name: 'sip-user',
    run(_req, _res, state) {
      const user = usernameFromCall(state.body);
      if (user !== undefined && usernames.has(user)) return undefined;
      const shown = user === undefined ? null : /^\+?\d+$/.test(user) ? maskPhone(user) : user.slice(0, 64);
      return refusal(404, { audit: 'sip_user_unknown', details: { username: shown } });
    },
  };
}
