// Per-request identity for logs and audit: request id, client IP, call id.
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { AuditContext } from '../observability/audit-log.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A client-supplied X-Request-Id is kept only when it is short and plain; otherwise a UUID. */
export function requestId(req: Request): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export function auditContext(req: Request, callId?: string): AuditContext {
  return { call_id: callId, request_id: typeof req.id === 'string' ? req.id : undefined, ip: req.ip };
}
