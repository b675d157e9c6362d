// Per-request identity for logs and audit: request id, client address.
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AuditContext } from '../observability/audit-log.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A client-supplied X-Request-Id is kept only when it is short and plain; otherwise a UUID. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The client address: the socket's, or with trusted hops the one Express derives from X-Forwarded-For
 * (`req.ip`, which re-parses the header on every read: read it once per request).
 */
export function clientIp(req: Request, trustProxy: number): string {
  return (trustProxy > 0 ? req.ip : req.socket.remoteAddress) ?? 'unknown';
}

/** The internal port's audit identity (the agent port's is the request state's). */
export function auditContext(req: Request): AuditContext {
  return { call_id: undefined, request_id: typeof req.id === 'string' ? req.id : undefined, ip: req.ip };
}
