// Step three of the body: the raw bytes, already read and (when signing is on) verified, parsed as a JSON object.
import { isUtf8 } from 'node:buffer';
import type { Unit } from './pipeline.js';
import { errorBody } from './errors.js';
import { refusal } from './refusal.js';

// A dangerous key, or any \u escape: `"\u005f_proto__"` parses to the key `__proto__` without the text containing it.
const POLLUTION = /"(?:__proto__|constructor|prototype)"\s*:|\\u/;
const WRONG_TYPE = refusal(415);
const BAD_UTF8 = { ...refusal(400), body: errorBody('invalid utf-8') };
const MALFORMED = { ...refusal(400), body: errorBody('malformed json') };

/** Drops keys that could reach Object.prototype when the parsed value is later merged or spread. */
function safeReviver(key: string, value: unknown): unknown {
  return key === '__proto__' || key === 'constructor' || key === 'prototype' ? undefined : value;
}

/**
 * Parses JSON text into a plain object, or returns undefined for anything else.
 * The reviver (slow) runs only when a dangerous key, or a \u escape that could spell one, is present.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = POLLUTION.test(text) ? JSON.parse(text, safeReviver) : JSON.parse(text);
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * An empty body is `{}`. A body sent without a Content-Type is accepted only if it is a JSON object
 * (415 otherwise); with the JSON type, bad UTF-8 or anything but an object is 400.
 */
export function parseJson(): Unit {
  return {
    name: 'json',
    run(req, _res, state) {
      const raw = state.raw;
      if (raw === undefined || raw.length === 0) {
        state.body = req.body = {};
        return undefined;
      }
      const untyped = req.headers['content-type'] === undefined;
      if (!isUtf8(raw)) return untyped ? WRONG_TYPE : BAD_UTF8;
      const body = parseJsonObject(raw.toString('utf8'));
      if (body === undefined) return untyped ? WRONG_TYPE : MALFORMED;
      state.body = req.body = body;
      return undefined;
    },
  };
}
