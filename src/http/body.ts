// Step one of the body: read the raw bytes, counted as they arrive (chunked too); 413 and 415 before reading.
import type { Request } from 'express';
import { DROPPED, type Unit, type Verdict } from './pipeline.js';
import { refusal } from './refusal.js';
import type { RequestState } from './request-state.js';

export const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const EMPTY = Buffer.alloc(0);
const TOO_LARGE = refusal(413);
const WRONG_TYPE = refusal(415);

/**
 * Why a custom reader instead of express.json(): the limit must hold on bytes received, not on a
 * Content-Length the client chose (chunked bodies have none), and the raw bytes are needed for
 * SignalWire signatures, which are checked before anything is parsed (src/security/signature.ts), then
 * src/http/json-body.ts parses. A wrong Content-Type is refused unread (415); a missing one is read within
 * the limit (SignalWire has been seen posting JSON without it) and judged by the parser. Over the limit:
 * 413, and the connection closes without reading more (src/http/respond.ts).
 *
 * @example
 * readBody({ limit: 1024 * 1024 }); // then signature, then parseJson
 */
export function readBody(options: { limit: number }): Unit {
  const { limit } = options;

  function read(req: Request, state: RequestState): Promise<Verdict> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (verdict: Verdict) => {
        req.removeListener('data', onData);
        req.removeListener('end', onEnd);
        req.removeListener('error', onError);
        resolve(verdict);
      };
      function onData(chunk: Buffer): void {
        size += chunk.length;
        if (size > limit) finish(TOO_LARGE);
        else chunks.push(chunk);
      }
      function onEnd(): void {
        state.raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
        finish(undefined);
      }
      function onError(): void {
        req.destroy();
        finish(DROPPED);
      }
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
    });
  }

  return {
    name: 'body',
    run(req, _res, state) {
      const type = req.headers['content-type'];
      const declared = req.headers['content-length'];
      const chunked = req.headers['transfer-encoding'] !== undefined;
      if (type !== undefined && !JSON_TYPE.test(type)) return WRONG_TYPE;
      if (!chunked && (declared === undefined || declared === '0')) {
        state.raw = EMPTY;
        return undefined;
      }
      if (declared !== undefined && Number(declared) > limit) return TOO_LARGE;
      return read(req, state);
    },
  };
}
