// SIP routing (Python SDK: enable_sip_routing): the SWML route for SIP calls, only for registered usernames.
import type { Request, Response } from 'express';
import { auditContext } from '../http/context.js';
import { sendError } from '../http/errors.js';
import { maskPhone } from '../observability/redact.js';
import type { Runtime } from '../runtime.js';
import { usernameFromCall } from '../agent/sip.js';

/**
 * A SIP call whose `call.to` names a registered username gets this agent's document (with the same call
 * limits and emergency checks). Any other username gets 404: unlike the Python SDK, which serves it anyway,
 * an unknown username here is a misrouted call or someone scanning for open SIP endpoints.
 */
export function sipHandler(rt: Runtime, serveSwml: (req: Request, res: Response) => Promise<void>) {
  const usernames = rt.agent.sipRouting?.usernames ?? new Set<string>();
  return async function serveSip(req: Request, res: Response): Promise<void> {
    const user = usernameFromCall(req.body);
    if (user !== undefined && usernames.has(user)) return serveSwml(req, res);
    const shown = user === undefined ? null : /^\+?\d+$/.test(user) ? maskPhone(user) : user.slice(0, 64);
    rt.audit.security('sip_user_unknown', auditContext(req), { username: shown });
    sendError(res, 404);
  };
}
