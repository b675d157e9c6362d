// Optional SignalWire request signatures: hex HMAC-SHA1 over the public URL and the raw body.
import { createHmac } from 'node:crypto';
import { timingSafeEqual } from './timing-safe.js';

/**
 * Computes the signature SignalWire sends in `X-SignalWire-Signature`.
 * The URL is the public one (from SWML_PROXY_URL_BASE or the resolved base), never a client header.
 */
export function signRequest(signingKey: string, url: string, rawBody: Buffer): string {
  return createHmac('sha1', signingKey).update(url).update(rawBody).digest('hex');
}

/** Builds a verifier; the key is bound here. */
export function signatureVerifier(
  signingKey: string,
): (url: string, rawBody: Buffer, supplied: string | undefined) => 'missing' | 'invalid' | undefined {
  return function verifySignature(url, rawBody, supplied) {
    if (supplied === undefined || supplied === '') return 'missing';
    const expected = signRequest(signingKey, url, rawBody);
    return timingSafeEqual(supplied.trim().toLowerCase(), expected) ? undefined : 'invalid';
  };
}
