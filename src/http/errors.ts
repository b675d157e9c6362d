// JSON error answers of SPEC 4: short code-like text, never a stack trace, path or exception message.
import type { Response } from 'express';
import type { IncomingMessage } from 'node:http';

export const ERRORS = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  413: 'payload too large',
  415: 'unsupported media type',
  429: 'too many requests',
  500: 'internal error',
  503: 'unavailable',
} as const;

export type ErrorStatus = keyof typeof ERRORS;

/** Precomputed bodies: error answers cost one write. */
const BODIES = Object.fromEntries(
  Object.entries(ERRORS).map(([k, v]) => [k, JSON.stringify({ error: v })]),
) as Record<string, string>;

/** The 4xx status Express or a body parser attached to an error (`err.status`), if it is one we answer. */
export function clientErrorStatus(err: unknown): ErrorStatus | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && status in ERRORS
    ? (status as ErrorStatus)
    : undefined;
}

/** A request that announced a body (chunked, or a non-zero Content-Length) which has not been read to its end. */
function unreadBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Why close: after answering, Node reads and discards the rest of an unread body to keep the connection
 * alive, so a client refused before its body was read (no credentials, a limit, a wrong method or route)
 * could keep streaming gigabytes into the socket. With `Connection: close` Node ends and destroys the
 * socket once the answer is written; the body is never read. Bodyless refusals keep their keep-alive.
 */
function closeAfterAnswer(req: IncomingMessage, res: Response): void {
  res.setHeader('Connection', 'close');
  req.pause();
  res.once('finish', () => req.socket.destroySoon());
}

/**
 * Sends `{"error": "<text>"}`; `text` defaults to the status' standard text. A refusal sent before the
 * request's body was read closes the connection (see closeAfterAnswer).
 */
export function sendError(res: Response, status: ErrorStatus, text?: string): void {
  if (res.headersSent) return;
  if (unreadBody(res.req)) closeAfterAnswer(res.req, res);
  res.status(status).type('application/json');
  res.end(text === undefined ? BODIES[status] : JSON.stringify({ error: text }));
}

/** Sends a JSON text that is already serialised. */
export function sendJsonText(res: Response, status: number, json: string): void {
  res.status(status).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(json);
}
