// Payment card numbers found by their shape (13-19 digits, Luhn-valid), wherever they appear in a value.

/** 13 to 19 digits, optionally grouped by single spaces or dashes, not part of a longer digit run. */
const CANDIDATE = /(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])/g;

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function replaceCard(match: string): string {
  const digits = match.replace(/[ -]/g, '');
  return luhn(digits) ? `[card ***${digits.slice(-4)}]` : match;
}

/**
 * Why by shape: a caller reads a card number to the AI and it lands in any field (`note`, a summary,
 * a URL). Luhn keeps dates, amounts and ids mostly untouched; a phone number that happens to pass is
 * masked too, which is the safe failure. Strings shorter than 13 characters cost one comparison.
 */
export function maskCards(value: string): string {
  return value.length < 13 ? value : value.replace(CANDIDATE, replaceCard);
}

/** A number literal that is a card number (`4111111111111111` sent unquoted). */
export function isCardNumber(value: number): boolean {
  if (!Number.isSafeInteger(value) || value < 1e12) return false;
  const digits = String(value);
  return digits.length <= 19 && luhn(digits);
}
