// Shapes and checks for the AI settings that go into the SWML `ai` verb, limited to what SignalWire's schema accepts.
import { checkList } from './options.js';

/** `ai.pronounce` entry: say `replace` as `with`. */
export interface PronunciationRule {
  replace: string;
  with: string;
  ignore_case?: boolean;
}

/** `ai.hints` entry that rewrites what speech recognition heard. */
export interface PatternHint {
  hint: string;
  pattern: string;
  replace: string;
  ignore_case: boolean;
}

export type Hint = string | PatternHint;

/** LLM settings allowed in `prompt` and `post_prompt` by SignalWire's schema (its wire names). */
export interface LlmParams {
  /** 0..1.5 */
  temperature?: number;
  /** 0..1 */
  top_p?: number;
  /** Speech-detect threshold, 0..1. */
  confidence?: number;
  /** -2..2 */
  presence_penalty?: number;
  /** -2..2 */
  frequency_penalty?: number;
  /** Whole number 0..4096. */
  max_tokens?: number;
}

const LLM_RANGES: Record<keyof LlmParams, [number, number, boolean?]> = {
  temperature: [0, 1.5],
  top_p: [0, 1],
  confidence: [0, 1],
  presence_penalty: [-2, 2],
  frequency_penalty: [-2, 2],
  max_tokens: [0, 4096, true],
};

/** SignalWire's built-in functions (`SWAIG.native_functions`). */
export const NATIVE_FUNCTIONS = [
  'check_time',
  'wait_seconds',
  'wait_for_user',
  'adjust_response_latency',
] as const;
export type NativeFunction = (typeof NATIVE_FUNCTIONS)[number];

/** `SWAIG.includes` entry: functions SignalWire fetches from another server. */
export interface FunctionInclude {
  url: string;
  functions: string[];
  meta_data?: Record<string, unknown>;
}

export function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

/** Checks names and ranges: a typo or an out-of-range value is a startup error, never a refused document. */
export function checkLlmParams(params: LlmParams, method: string): LlmParams {
  const out: LlmParams = {};
  for (const [key, value] of Object.entries(params) as [keyof LlmParams, unknown][]) {
    const range = LLM_RANGES[key] as [number, number, boolean?] | undefined;
    if (range === undefined) {
      throw new TypeError(
        `${method}: unknown parameter ${JSON.stringify(key)}; SignalWire's schema allows ${Object.keys(LLM_RANGES).join(', ')} here (choose the model with setParams({ ai_model }))`,
      );
    }
    const [min, max, whole] = range;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (whole && !Number.isInteger(value))
    ) {
      throw new TypeError(`${method}: ${key} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}`);
    }
    out[key] = value;
  }
  return out;
}

export function pronunciationRule(
  replace: string,
  withText: string,
  ignoreCase: boolean | undefined,
): PronunciationRule {
  const rule: PronunciationRule = {
    replace: requireText(replace, 'addPronunciation replace'),
    with: requireText(withText, 'addPronunciation with'),
  };
  if (ignoreCase) rule.ignore_case = true;
  return rule;
}

export function patternHint(options: {
  hint: string;
  pattern: string;
  replace: string;
  ignoreCase?: boolean;
}): PatternHint {
  return {
    hint: requireText(options.hint, 'addPatternHint hint'),
    pattern: requireText(options.pattern, 'addPatternHint pattern'),
    replace: requireText(options.replace, 'addPatternHint replace'),
    ignore_case: options.ignoreCase ?? false,
  };
}

export function nativeFunctions(names: readonly string[]): NativeFunction[] {
  for (const name of checkList(names, 'setNativeFunctions')) {
    if (!(NATIVE_FUNCTIONS as readonly string[]).includes(name)) {
      throw new TypeError(
        `unknown native function ${JSON.stringify(name)}; SignalWire offers ${NATIVE_FUNCTIONS.join(', ')}`,
      );
    }
  }
  return [...new Set(names)] as NativeFunction[];
}

/** https only: SignalWire fetches these functions' definitions and sends them the call's arguments. */
export function functionInclude(options: {
  url: string;
  functions: string[];
  metaData?: Record<string, unknown>;
}): FunctionInclude {
  if (typeof options.url !== 'string' || !/^https:\/\/[^\s/]+/i.test(options.url)) {
    throw new TypeError('addFunctionInclude url must be an https:// URL');
  }
  if (checkList(options.functions, 'addFunctionInclude functions').length === 0) {
    throw new TypeError('addFunctionInclude needs at least one function name');
  }
  const include: FunctionInclude = { url: options.url, functions: [...options.functions] };
  if (options.metaData && Object.keys(options.metaData).length > 0)
    include.meta_data = { ...options.metaData };
  return include;
}
