// A lean JSON body reader: counts the bytes actually received (chunked too), 413/415/400, keeps raw bytes.
import type { NextFunction, Request, Response } from 'express';
import { isUtf8 } from 'node:buffer';
import { sendError } from './errors.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
// A dangerous key, or any \u escape: `"\u005f_proto__"` parses to the key `__proto__` without the text containing it.
const POLLUTION = /"(?:__proto__|constructor|prototype)"\s*:|\\u/;

/** Drops keys that could reach Object.prototype when the parsed value is later merged or spread. */
function safeReviver(key: string, value: unknown): unknown {
  return key === '__proto__' || key === 'constructor' || key === 'prototype' ? undefined : value;
}

/**
 * Parses JSON text into a plain object, or returns undefined for anything else.
 * The reviver (slow) runs only when a dangerous key, or a \u escape that could spell one, is present.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = POLLUTION.test(text) ? JSON.parse(text, safeReviver) : JSON.parse(text);
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Why a custom reader instead of express.json(): the limit must hold on bytes received, not on a
 * Content-Length the client chose (chunked bodies have none), and the raw bytes are needed for
 * SignalWire signatures. Over the limit we answer 413 and close the connection without reading more.
 * A POST with a body must be JSON (415); an empty POST counts as `{}`. Without a Content-Type, a body that
 * is a JSON object is accepted and anything else is 415.
 *
 * @example
 * router.post('/swaig', jsonBody({ limit: 1024 * 1024 }), handler); // req.body, req.rawBody
 */
export function jsonBody(options: {
  limit: number;
  /**
   * Checks the raw bytes before they are parsed (SignalWire signatures): returns true to go on, or
   * answers itself and returns false. An unsigned sender never learns anything from the parser.
   */
  verify?: (req: Request, res: Response, raw: Buffer) => boolean;
}) {
  const { limit, verify } = options;

  return function jsonBodyMiddleware(req: Request, res: Response, next: NextFunction): void {
    const type = req.headers['content-type'];
    const declared = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!chunked && (declared === undefined || declared === '0')) {
      if (type !== undefined && !JSON_TYPE.test(type)) return sendError(res, 415);
      const empty = Buffer.alloc(0);
      if (verify && !verify(req, res, empty)) return;
      req.body = {};
      req.rawBody = empty;
      return next();
    }
    // A wrong type is refused unread. A missing one is read (within the limit) and accepted only if the
    // body is a JSON object: SignalWire has been seen posting JSON without the header.
    const untyped = type === undefined;
    if (!untyped && !JSON_TYPE.test(type)) return sendError(res, 415);
    if (declared !== undefined && Number(declared) > limit) return tooLarge(req, res);

    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      fn();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(() => tooLarge(req, res));
      else chunks.push(chunk);
    };
    const onEnd = () =>
      finish(() => {
        const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
        if (verify && !verify(req, res, raw)) return;
        if (!isUtf8(raw)) return untyped ? sendError(res, 415) : sendError(res, 400, 'invalid utf-8');
        const body = parseJsonObject(raw.toString('utf8'));
        if (body === undefined) return untyped ? sendError(res, 415) : sendError(res, 400, 'malformed json');
        req.body = body;
        req.rawBody = raw;
        next();
      });
    const onError = () => finish(() => req.destroy());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  };
}

function tooLarge(_req: Request, res: Response): void {
  // Stop reading: sendError answers, then closes, since the body was not read to its end.
  sendError(res, 413);
}
