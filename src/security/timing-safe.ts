// The one constant-time comparison: hash both sides to equal-length digests, then crypto.timingSafeEqual.
import { hash, timingSafeEqual as cryptoTimingSafeEqual } from 'node:crypto';

/** SHA-256 in one call (`crypto.hash`, Node >= 20.12): no Hash object per digest. */
function digest(value: string | Buffer): Buffer {
  return hash('sha256', value, 'buffer');
}

/**
 * Compares two secrets in time that depends on neither their contents nor their lengths.
 * Hashing first makes the inputs equal-length, so `timingSafeEqual` never throws and no
 * early return reveals a length mismatch.
 *
 * @example
 * timingSafeEqual(suppliedPassword, expectedPassword); // boolean
 */
export function timingSafeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return cryptoTimingSafeEqual(digest(a), digest(b));
}

/** Compares a supplied value against a precomputed sha256 digest (saves one hash per request). */
export function timingSafeEqualDigest(supplied: string | Buffer, expectedDigest: Buffer): boolean {
  return cryptoTimingSafeEqual(digest(supplied), expectedDigest);
}

/**
 * Compares two byte strings of a length that is public (a MAC: always 32 bytes) in constant time, without
 * digesting them first; different lengths are simply unequal.
 */
export function timingSafeEqualBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && cryptoTimingSafeEqual(a, b);
}

export { digest as sha256 };
