// The secret rules (presence, length, variety, reuse, rotation): one implementation for loadConfig and doctor.
import { GENERATE_HINT } from './errors.js';

export const SECRET_NAMES = [
  'SWML_TOKEN_SECRET',
  'SWML_TOKEN_SECRET_PREVIOUS',
  'SWML_ADMIN_TOKEN',
  'SWML_BASIC_AUTH_PASSWORD',
  'SWML_BASIC_AUTH_PASSWORD_PREVIOUS',
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
/** Parsed values; a secret that is unset (or empty) is absent. */
export type SecretValues = Partial<Record<SecretName, string>>;

/** What a rule found about one secret. `message` never holds the value, only its shape. */
export interface SecretFinding {
  readonly name: SecretName;
  readonly level: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly fix: string;
}

const MIN_LENGTH = 32;
const MIN_DISTINCT = 10;

interface Rule {
  /** Counted in bytes (HMAC keys) or characters. */
  bytes: boolean;
  /** Too short is fatal in every mode (a weak HMAC key or admin token), not only in production. */
  shortFatalEverywhere: boolean;
  error: string;
  warning: string;
  /** The secret a `_PREVIOUS` value rotates out; secrets of the same family may be equal to each other. */
  current?: SecretName;
  family: 'password' | 'token' | 'admin';
  /** When unset: undefined = fine; otherwise what each mode says. */
  unset?: {
    production: Omit<SecretFinding, 'name' | 'fix'>;
    development: Omit<SecretFinding, 'name' | 'fix'>;
  };
}

const RULES: Record<SecretName, Rule> = {
  SWML_TOKEN_SECRET: {
    bytes: true,
    shortFatalEverywhere: true,
    error: 'ERR_SWML_WEAK_TOKEN_SECRET',
    warning: 'WRN_SWML_WEAK_TOKEN_SECRET',
    family: 'token',
    unset: {
      production: {
        level: 'error',
        code: 'ERR_SWML_WEAK_TOKEN_SECRET',
        message:
          'SWML_TOKEN_SECRET is unset: NODE_ENV=production requires it (a random per-process secret breaks secure tools on restart and across replicas)',
      },
      development: {
        level: 'warning',
        code: 'WRN_SWML_GENERATED_TOKEN_SECRET',
        message:
          'SWML_TOKEN_SECRET is unset: a random per-process secret is used, so restarts and replicas will break secure tools',
      },
    },
  },
  SWML_TOKEN_SECRET_PREVIOUS: {
    bytes: true,
    shortFatalEverywhere: true,
    error: 'ERR_SWML_WEAK_TOKEN_SECRET',
    warning: 'WRN_SWML_WEAK_TOKEN_SECRET',
    current: 'SWML_TOKEN_SECRET',
    family: 'token',
  },
  SWML_ADMIN_TOKEN: {
    bytes: false,
    shortFatalEverywhere: true,
    error: 'ERR_SWML_WEAK_ADMIN_TOKEN',
    warning: 'WRN_SWML_WEAK_ADMIN_TOKEN',
    family: 'admin',
    unset: {
      production: {
        level: 'warning',
        code: 'WRN_SWML_ADMIN_DISABLED',
        message: 'SWML_ADMIN_TOKEN is unset: the runtime emergency switch (/admin) is off',
      },
      development: {
        level: 'warning',
        code: 'WRN_SWML_ADMIN_DISABLED',
        message: 'SWML_ADMIN_TOKEN is unset: the runtime emergency switch (/admin) is off',
      },
    },
  },
  SWML_BASIC_AUTH_PASSWORD: {
    bytes: false,
    shortFatalEverywhere: false,
    error: 'ERR_SWML_WEAK_PASSWORD',
    warning: 'WRN_SWML_WEAK_PASSWORD',
    family: 'password',
    unset: {
      production: {
        level: 'error',
        code: 'ERR_SWML_WEAK_PASSWORD',
        message:
          'SWML_BASIC_AUTH_PASSWORD is unset: NODE_ENV=production requires it (a generated password changes on every restart)',
      },
      development: {
        level: 'warning',
        code: 'WRN_SWML_GENERATED_PASSWORD',
        message:
          'SWML_BASIC_AUTH_PASSWORD is unset: a random password was generated for this run (development only)',
      },
    },
  },
  SWML_BASIC_AUTH_PASSWORD_PREVIOUS: {
    bytes: false,
    shortFatalEverywhere: false,
    error: 'ERR_SWML_WEAK_PASSWORD',
    warning: 'WRN_SWML_WEAK_PASSWORD',
    current: 'SWML_BASIC_AUTH_PASSWORD',
    family: 'password',
  },
};

/** " (found SWML_BASIC_AUTH_PASS: did you mean SWML_BASIC_AUTH_PASSWORD?)" when a typo explains an unset secret. */
function typoHint(typos: readonly (readonly [string, string])[], name: string): string {
  const hit = typos.find(([, suggestion]) => suggestion === name);
  return hit ? ` (found ${hit[0]}: did you mean ${name}?)` : '';
}

/** Why a value is weak (length, variety, reuse of another family's secret), or undefined. Never shows it. */
function weakness(
  name: SecretName,
  value: string,
  values: SecretValues,
): { message: string; short: boolean } | undefined {
  const rule = RULES[name];
  const length = rule.bytes ? Buffer.byteLength(value) : value.length;
  const unit = rule.bytes ? 'bytes' : 'characters';
  if (length < MIN_LENGTH)
    return { message: `${name} must be at least ${MIN_LENGTH} ${unit}; got ${length}`, short: true };
  const distinct = new Set(value).size;
  if (distinct < MIN_DISTINCT)
    return { message: `${name} has only ${distinct} distinct characters: it is guessable`, short: false };
  const reused = SECRET_NAMES.find((o) => RULES[o].family !== rule.family && values[o] === value);
  if (reused)
    return { message: `${name} is the same value as ${reused}: a leak of one exposes both`, short: false };
  return undefined;
}

/**
 * Every finding about the secrets, in a fixed order (loadConfig throws the first error). Production turns
 * weak secrets into errors; outside production they warn, except a short token secret or admin token,
 * which is refused everywhere. A `_PREVIOUS` value must be as strong as the current one (it opens the
 * same door), and warns while it is set: a rotation left half-done keeps an old secret working.
 *
 * @example
 * secretFindings({ SWML_BASIC_AUTH_PASSWORD_PREVIOUS: 'a' }, true)[0]?.code; // 'ERR_SWML_WEAK_PASSWORD'
 */
export function secretFindings(
  values: SecretValues,
  production: boolean,
  typos: readonly (readonly [string, string])[] = [],
): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const name of SECRET_NAMES) {
    const rule = RULES[name];
    const value = values[name];
    if (value === undefined) {
      const unset = rule.unset?.[production ? 'production' : 'development'];
      if (unset)
        out.push({
          ...unset,
          name,
          message: `${unset.message}${typoHint(typos, name)}`,
          fix: `set ${name}; ${GENERATE_HINT}`,
        });
      continue;
    }
    const weak = weakness(name, value, values);
    if (weak !== undefined) {
      const fatal = production || (rule.shortFatalEverywhere && weak.short);
      out.push({
        name,
        level: fatal ? 'error' : 'warning',
        code: fatal ? rule.error : rule.warning,
        message: weak.message,
        fix: rule.current
          ? `set ${name} to the value being rotated out (it must be as strong as ${rule.current}), or unset it`
          : `set a new ${name}; ${GENERATE_HINT}`,
      });
    } else if (rule.current) {
      const same = values[rule.current] === value;
      out.push({
        name,
        level: 'warning',
        code: 'WRN_SWML_PREVIOUS_SECRET',
        message: same
          ? `${name} equals ${rule.current}`
          : `${name} is still accepted (rotation in progress): the old value keeps working`,
        fix: same ? `remove ${name}` : `remove ${name} once every client uses the new value`,
      });
    }
  }
  return out;
}
