// The URL of the access line: userinfo removed, query values of sensitive parameters redacted or masked.
import { maskCards } from './card.js';
import { DEFAULT_FIELDS } from './field-names.js';
import { REDACTED, maskDigits } from './redact.js';

const USERINFO = /\/\/[^/@\s]*@/;

/** `%5F%5Ftoken` and `%5f%5ftoken` are `__token`; a bad escape is kept as written, never thrown. */
function decodeName(name: string): string {
  const plus = name.includes('+') ? name.replace(/\+/g, ' ') : name;
  return plus.includes('%')
    ? plus.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : plus;
}

function redactQuery(query: string): string {
  const parts = query.split('&');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq);
    const kind = DEFAULT_FIELDS.classify(decodeName(name));
    if (kind === 'redact') parts[i] = `${name}=${REDACTED}`;
    else if (kind === 'mask') parts[i] = `${name}=${maskDigits(decodeName(part.slice(eq + 1))) ?? ''}`;
  }
  return parts.join('&');
}

/**
 * Removes userinfo, and redacts the value of every query parameter whose name means a secret
 * (`__token`, `token`, `signature`, `password`, `newPassword`...), however its name is percent-encoded
 * (`%5F%5Ftoken`). Card numbers are masked anywhere in the URL. Cheap on the usual webhook URL:
 * one split, one cached name lookup.
 */
export function redactUrl(url: string): string {
  let out = url.includes('@') ? url.replace(USERINFO, '//') : url;
  const q = out.indexOf('?');
  if (q !== -1) out = `${out.slice(0, q + 1)}${redactQuery(out.slice(q + 1))}`;
  return maskCards(out);
}
