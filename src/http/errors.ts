// JSON error answers of SPEC 4: short code-like text, never a stack trace, path or exception message.
import type { Response } from 'express';

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

/** Sends `{"error": "<text>"}`; `text` defaults to the status' standard text. */
export function sendError(res: Response, status: ErrorStatus, text?: string): void {
  if (res.headersSent) return;
  res.status(status).type('application/json');
  res.end(text === undefined ? BODIES[status] : JSON.stringify({ error: text }));
}

/** Sends a JSON text that is already serialised. */
export function sendJsonText(res: Response, status: number, json: string): void {
  res.status(status).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(json);
}
