// Optional SignalWire request signatures: hex HMAC-SHA1 over the public URL and the raw body, before parsing.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Request } from 'express';
import type { Unit } from '../http/pipeline.js';
import { refusal, type Countable } from '../http/refusal.js';
import { timingSafeEqual } from './timing-safe.js';

/**
 * Computes the signature SignalWire sends in `X-SignalWire-Signature`.
 * The URL is the public one (src/http/public-url.ts), never chosen by a client header.
 */
export function signRequest(signingKey: string | KeyObject, url: string, rawBody: Buffer): string {
  return createHmac('sha1', signingKey).update(url).update(rawBody).digest('hex');
}

export type SignatureFailure = 'missing' | 'invalid';

/**
 * The signature unit, between reading the body and parsing it: an unsigned sender never reaches the
 * parser. Every request that reaches a body reader is signed when signing is on: the SWML fetch (GET with
 * an empty body, or POST), tools and post_prompt. A GET mints function tokens too, so with the signing key
 * set the Basic Auth password alone no longer gets a token for any call. The signed URL is the public
 * base (the same rule the SWML's URLs come from) plus the path and query as received.
 *
 * @example
 * signature({ key, publicBase: publicBaseUrl(config), counts: (reason) => authFailures.labels('signature', reason) });
 */
export function signature(options: {
  key: string;
  publicBase: (req: Request) => string;
  counts: Record<SignatureFailure, Countable>;
}): Unit {
  const key = createSecretKey(Buffer.from(options.key));
  const { publicBase, counts } = options;
  const refused = (reason: SignatureFailure, route: string) =>
    refusal(403, {
      counts: [counts[reason]],
      audit: 'signature_rejected',
      details: { reason, route },
    });

  return {
    name: 'signature',
    run(req, _res, state) {
      const supplied = req.headers['x-signalwire-signature'];
      if (typeof supplied !== 'string' || supplied === '') return refused('missing', state.route.template);
      const expected = signRequest(key, `${publicBase(req)}${req.originalUrl}`, state.raw ?? Buffer.alloc(0));
      return timingSafeEqual(supplied.trim().toLowerCase(), expected)
        ? undefined
        : refused('invalid', state.route.template);
    },
  };
}
