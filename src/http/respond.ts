// Every answer of the agent port: JSON text, the precomputed security headers, one writeHead, one end.
import type { Request, Response } from 'express';
import { HSTS, securityHeaders } from '../security/headers.js';
import { ERROR_BODIES, unreadBody, type ErrorStatus } from './errors.js';
import { arrivedOverTls } from './forwarded.js';
import type { RequestState } from './request-state.js';

const JSON_TYPE = ['Content-Type', 'application/json; charset=utf-8'];
const CLOSE = ['Connection', 'close'];

export interface Responder {
  /** Sends JSON text that is already serialised; `extra` is a flat [name, value, ...] header list. */
  json(
    req: Request,
    res: Response,
    state: RequestState,
    status: number,
    body: string,
    extra?: readonly string[],
  ): void;
  /** Sends `{"error": "<text>"}` (`text` defaults to the status' standard text). */
  error(
    req: Request,
    res: Response,
    state: RequestState,
    status: ErrorStatus,
    extra?: readonly string[],
  ): void;
}

/** Appends the request's headers, except those the answer sets itself (its own RateLimit on a 429). */
function push(headers: string[], request: readonly string[], answer: readonly string[] | undefined): void {
  for (let i = 0; i < request.length; i += 2) {
    const name = request[i] as string;
    if (answer !== undefined && answer.some((h, j) => j % 2 === 0 && h === name)) continue;
    headers.push(name, request[i + 1] as string);
  }
}

/**
 * Builds the responder once: the helmet headers (with and without HSTS) are one precomputed list, so an
 * answer costs one `writeHead` with an array and one `end`. The request-duration metric is recorded here,
 * for every answer, with the route template the pipeline set.
 *
 * Why close after some answers: after answering, Node reads and discards the rest of an unread body to
 * keep the connection alive, so a client refused before its body was read (no credentials, a limit, a
 * wrong method or route) could keep streaming gigabytes into the socket. With `Connection: close` Node
 * ends and destroys the socket once the answer is written; the body is never read. Bodyless refusals keep
 * their keep-alive. While draining (shutdown), every request that arrives then is answered with close.
 *
 * HSTS only when the request really arrived over TLS (direct TLS, or the trusted hop said https).
 */
export function responder(options: { trustProxy: number }): Responder {
  const plain = [...securityHeaders(), ...JSON_TYPE];
  const tls = [...plain, ...HSTS];
  const hops = options.trustProxy;

  const json: Responder['json'] = (req, res, state, status, body, extra) => {
    if (res.headersSent) return;
    const headers = (arrivedOverTls(req, hops) ? tls : plain).slice();
    headers.push('Content-Length', String(Buffer.byteLength(body)));
    if (state.headers !== undefined) push(headers, state.headers, extra);
    if (extra !== undefined) for (const h of extra) headers.push(h);
    if (unreadBody(req)) {
      headers.push(...CLOSE);
      req.pause();
      res.once('finish', () => req.socket.destroySoon());
    } else if (state.closeConnection) headers.push(...CLOSE);
    res.writeHead(status, headers);
    res.end(body);
    state.route.observe(req.method, status, (performance.now() - state.started) / 1000);
  };

  return {
    json,
    error: (req, res, state, status, extra) => json(req, res, state, status, ERROR_BODIES[status], extra),
  };
}
