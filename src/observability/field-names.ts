// Which field names carry secrets (redacted) or identifying numbers (masked), decided by meaning, not spelling.

/** `redact`: the value is replaced; `mask`: only its last 4 digits are kept; undefined: logged as is. */
export type FieldClass = 'redact' | 'mask' | undefined;

/**
 * Why by meaning: a list of exact names misses `newPassword`, `new-password`, `card.number`,
 * `{card: {number}}` and the names nobody thought of. Names are compared in two forms: their words
 * (`newPassword` -> new, password) for short words that would match inside unrelated names
 * (`pin` must not match `spin`), and their compact form (`newpassword`) for distinctive words that
 * may appear glued to others (`userpassword`, `cardnumber`). A nested key is also read together with
 * its parent (`card` + `number`). Over-redaction is the safe failure.
 */
const SECRET_WORDS = ['pin', 'ssn', 'otp', 'totp', 'hotp', 'mfa', 'cvv', 'cvv2', 'cvc', 'cvc2', 'csc'];
const SECRET_WORDS_TOO = ['token', 'secret', 'pwd', 'pass', 'passwd', 'signature', 'sig', 'auth', 'cookie'];
const SECRET_PARTS = [
  'password',
  'passwd',
  'passcode',
  'passphrase',
  'secret',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
  'cardnumber',
  'creditcard',
  'debitcard',
  'cardnum',
  'cardcvv',
  'securitycode',
  'securityanswer',
  'verificationcode',
  'mfacode',
  'otpcode',
  'authcode',
  'onetimecode',
  'onetimepassword',
  'pincode',
  'socialsecurity',
  'authorization',
  'credential',
  'sessionid',
];
/** Identifying numbers: masked to their last 4 digits, like caller numbers. */
const MASK_ENDINGS = [
  'account',
  'accountnumber',
  'accountno',
  'accountnum',
  'acct',
  'acctnumber',
  'acctno',
  'iban',
  'routingnumber',
  'routingno',
  'sortcode',
  'phone',
  'phonenumber',
  'mobile',
  'msisdn',
  'callerid',
  'calleridnum',
  'callernumber',
  'callbacknumber',
];

const SECRET_WORD_SET = new Set([...SECRET_WORDS, ...SECRET_WORDS_TOO]);

/** `newPassword`, `new-password`, `NEW_PASSWORD` -> ['new', 'password']. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** `new-password` -> `newpassword`. */
export function compact(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface FieldClassifier {
  /** Class of `key`, read alone and together with its parent's compact name. */
  classify(key: string, parent?: string): FieldClass;
}

const CACHE_MAX = 2048;

/**
 * Builds a classifier: the built-in meanings plus a tool's own `sensitive` (redacted) and `mask`
 * (last 4 digits) names, which match wherever their compact form appears in a key.
 *
 * @example
 * fieldClassifier({ mask: ['to_account'] }).classify('toAccount'); // 'mask'
 */
export function fieldClassifier(extra: { sensitive?: readonly string[]; mask?: readonly string[] } = {}) {
  const secretParts = [...SECRET_PARTS, ...(extra.sensitive ?? []).map(compact).filter(Boolean)];
  const maskNames = [...(extra.mask ?? []).map(compact).filter(Boolean)];
  // Keys are client input: the cache is bounded and simply starts over when full.
  const cache = new Map<string, FieldClass>();

  function decide(key: string, parent: string): FieldClass {
    const flat = compact(key);
    const joined = parent + flat;
    if (words(key).some((w) => SECRET_WORD_SET.has(w))) return 'redact';
    if (secretParts.some((p) => flat.includes(p) || joined.includes(p))) return 'redact';
    if (maskNames.some((m) => flat.includes(m))) return 'mask';
    if (MASK_ENDINGS.some((m) => flat.endsWith(m) || joined.endsWith(m))) return 'mask';
    return undefined;
  }

  return {
    classify(key: string, parent = ''): FieldClass {
      const id = parent === '' ? key : `${parent}\u0000${key}`;
      let found = cache.get(id);
      if (found === undefined && !cache.has(id)) {
        found = decide(key, parent);
        if (cache.size >= CACHE_MAX) cache.clear();
        cache.set(id, found);
      }
      return found;
    },
  } satisfies FieldClassifier;
}

/** The built-in meanings only (query parameters, audit details, post_prompt summaries). */
export const DEFAULT_FIELDS = fieldClassifier();
