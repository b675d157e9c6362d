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

/** `{"error":"<text>"}`, serialised once by whoever precomputes it. */
export const errorBody = (text: string): string => JSON.stringify({ error: text });

/** Precomputed bodies: error answers cost one write. */
export const ERROR_BODIES = Object.fromEntries(
  Object.entries(ERRORS).map(([k, v]) => [k, errorBody(v)]),
) as Record<ErrorStatus, string>;

/** The 4xx status Express or a body parser attached to an error (`err.status`), if it is one we answer. */
export function clientErrorStatus(err: unknown): ErrorStatus | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && status in ERRORS
    ? (status as ErrorStatus)
    : undefined;
}

/** A request that announced a body (chunked, or a non-zero Content-Length) which has not been read to its end. */
export function unreadBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Sends JSON text on the internal port (the agent port answers through src/http/respond.ts). A refusal
 * sent before the request's body was read closes the connection, for the reason given there.
 */
export function sendJson(res: Response, status: number, json: string): void {
  if (res.headersSent) return;
  if (unreadBody(res.req)) {
    res.setHeader('Connection', 'close');
    res.req.pause();
    res.once('finish', () => res.req.socket.destroySoon());
  }
  res.status(status).type('application/json');
  res.end(json);
}

/** Sends `{"error": "<text>"}`; `text` defaults to the status' standard text. */
export function sendError(res: Response, status: ErrorStatus, text?: string): void {
  sendJson(res, status, text === undefined ? ERROR_BODIES[status] : errorBody(text));
}
