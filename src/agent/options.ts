// Options objects only: how every optional or multi-field argument of the public API is passed.

/**
 * A call ported positionally from the Python SDK (`tap("wss://...", "ctl")`, `connect(dest, False)`) fails
 * to compile in TypeScript; this makes it throw in plain JavaScript too, instead of sending a silently wrong
 * shape. `required` fields must be non-empty strings; with `known`, any other field is refused.
 */
export function checkOptions(
  value: unknown,
  method: string,
  rules: { required?: readonly string[]; known?: readonly string[] } = {},
): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${method} takes an options object (named fields), not positional arguments`);
  }
  const fields = value as Record<string, unknown>;
  for (const field of rules.required ?? []) {
    if (typeof fields[field] !== 'string' || fields[field] === '')
      throw new TypeError(`${method} needs ${field}`);
  }
  if (rules.known) {
    const unknown = Object.keys(fields).filter((k) => !rules.known?.includes(k));
    if (unknown.length > 0) {
      throw new TypeError(
        `${method}: unknown option ${unknown.join(', ')}; the options are ${rules.known.join(', ')}`,
      );
    }
  }
}

/** A list argument: a string would be spread into letters. */
export function checkList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new TypeError(`${what} must be a list of strings`);
  }
  return [...value] as string[];
}
