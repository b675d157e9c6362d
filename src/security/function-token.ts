// Signed, self-contained function tokens bound to (key id, function, call_id, expiry, nonce).
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { sha256, timingSafeEqual, timingSafeEqualBytes } from './timing-safe.js';
import { CALL_ID, isSessionSubject } from './token-subject.js';

/**
 * Why a token is bound to the call_id as well as the function: a token leaks with the SWML document
 * or a webhook URL (logs, proxies, a compromised call leg). Bound to one function it could still be
 * replayed from any other call; bound to one call, a captured token only works for the call it was
 * minted for, until that call ends (post_prompt revokes it) or the token expires.
 * The reason a check failed is returned for logs and metrics only; the HTTP answer is one uniform 403.
 */
export type TokenFailure =
  | 'missing'
  | 'malformed'
  | 'invalid'
  | 'unknown_key'
  | 'expired'
  | 'wrong_function'
  | 'wrong_call'
  | 'revoked';

export interface TokenClaims {
  kid: string;
  functionName: string;
  /** The subject the token was minted for: a call_id, or a session subject (see `session`). */
  callId: string;
  /**
   * True when the token is bound to a session (SWML fetched without a call id), not to a call: it is valid
   * only once the caller has bound that session to the request's call_id (src/security/token.ts).
   */
  session: boolean;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface FunctionTokensOptions {
  secret: string;
  previousSecret?: string | undefined;
  ttlSeconds: number;
  /** Clock in milliseconds (tests use fake timers through Date.now). */
  now?: () => number;
}

export interface FunctionTokens {
  /** Mints a token for `functionName` bound to `callId`, or to a session subject (token-subject.ts). */
  mint(functionName: string, callId: string): string;
  /**
   * Checks signature, key, expiry and binding; revocation, and the binding of a session token to the
   * request's call_id, are checked by the caller (they live in the shared state, which may be remote).
   */
  verify(
    token: string | undefined,
    functionName: string,
    callId: string | undefined,
  ): TokenClaims | TokenFailure;
  readonly ttlSeconds: number;
}

const VERSION = 'v1';
const MAX_TOKEN_LENGTH = 1024;

const MAC_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes base64url only in its canonical form. Node's decoder skips characters outside the alphabet and
 * ignores stray low bits, so `token + "!!"` or a changed last character would decode to the same bytes:
 * one token, many spellings. Refusing every non-canonical spelling keeps a token a single exact string.
 */
function canonicalBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Identifies which secret signed a token (also used by the log scrubber to spot tokens). */
export function keyId(secret: string): string {
  // Identifies which secret signed a token without revealing anything usable about it.
  return sha256(`swml-guard-kid:${secret}`).subarray(0, 6).toString('base64url');
}

const NONCE_BYTES = 9;
const POOL_NONCES = 256;

/**
 * Nonces come from a pool of CSPRNG bytes filled 256 nonces at a time: `randomBytes()` per token was the
 * largest cost of rendering a many-tool SWML document. Every nonce is a fresh slice, never reused.
 */
function noncePool(): () => string {
  let pool = randomBytes(NONCE_BYTES * POOL_NONCES);
  let offset = 0;
  return function nextNonce() {
    if (offset === pool.length) {
      pool = randomBytes(NONCE_BYTES * POOL_NONCES);
      offset = 0;
    }
    const nonce = pool.subarray(offset, offset + NONCE_BYTES).toString('base64url');
    offset += NONCE_BYTES;
    return nonce;
  };
}

function signingInput(kid: string, fn: string, callId: string, exp: number, nonce: string): string {
  return `${VERSION}\n${kid}\n${fn}\n${callId}\n${exp}\n${nonce}`;
}

/**
 * Creates the minting and verifying functions for one app. Keys are derived once here.
 *
 * Token format: `<kid>.<base64url(fn \n callId \n exp \n nonce)>.<base64url(hmac-sha256)>`.
 *
 * @example
 * const tokens = functionTokens({ secret, ttlSeconds: 3600 });
 * const t = tokens.mint('transfer_funds', callId);
 * tokens.verify(t, 'transfer_funds', callId); // claims, or a failure reason
 */
export function functionTokens(options: FunctionTokensOptions): FunctionTokens {
  const now = options.now ?? Date.now;
  // HMAC keys imported once (a KeyObject), not from the secret string on every mint and verify.
  const keys = new Map<string, KeyObject>();
  keys.set(keyId(options.secret), createSecretKey(Buffer.from(options.secret)));
  if (options.previousSecret)
    keys.set(keyId(options.previousSecret), createSecretKey(Buffer.from(options.previousSecret)));
  const currentKid = keyId(options.secret);
  const currentKey = keys.get(currentKid) as KeyObject;
  const nextNonce = noncePool();
  const sign = (key: KeyObject, input: string) => createHmac('sha256', key).update(input).digest();

  return {
    ttlSeconds: options.ttlSeconds,
    mint(functionName, callId) {
      const exp = Math.floor(now() / 1000) + options.ttlSeconds;
      const nonce = nextNonce();
      const payload = Buffer.from(`${functionName}\n${callId}\n${exp}\n${nonce}`).toString('base64url');
      const mac = sign(currentKey, signingInput(currentKid, functionName, callId, exp, nonce));
      return `${currentKid}.${payload}.${mac.toString('base64url')}`;
    },
    verify(token, functionName, callId) {
      if (token === undefined || token === '') return 'missing';
      if (token.length > MAX_TOKEN_LENGTH) return 'malformed';
      const parts = token.split('.');
      if (parts.length !== 3) return 'malformed';
      const [kid = '', payload = '', mac = ''] = parts;
      const payloadBytes = canonicalBase64url(payload);
      const macBytes = canonicalBase64url(mac);
      if (payloadBytes === undefined || macBytes?.length !== MAC_BYTES) return 'malformed';
      const fields = payloadBytes.toString('utf8').split('\n');
      if (fields.length !== 4 || !/^\d{1,12}$/.test(fields[2] ?? '')) return 'malformed';
      const [fn = '', boundCall = '', expText = '', nonce = ''] = fields;
      const secret = keys.get(kid);
      if (secret === undefined) return 'unknown_key';
      const exp = Number(expText);
      const expected = sign(secret, signingInput(kid, fn, boundCall, exp, nonce));
      // Both are 32 bytes (checked above): compared in constant time as they are, no digest needed.
      if (!timingSafeEqualBytes(macBytes, expected)) return 'invalid';
      if (exp * 1000 <= now()) return 'expired';
      if (!timingSafeEqual(fn, functionName)) return 'wrong_function';
      if (callId === undefined || callId === '') return 'wrong_call';
      if (isSessionSubject(boundCall))
        return CALL_ID.test(callId)
          ? { kid, functionName: fn, callId: boundCall, exp, session: true }
          : 'wrong_call';
      if (!timingSafeEqual(boundCall, callId)) return 'wrong_call';
      return { kid, functionName: fn, callId: boundCall, exp, session: false };
    },
  };
}
