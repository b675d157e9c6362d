// The `ai` verb settings of an agent besides its prompt and tools: hints, languages, params, global data,
// pronunciations, LLM parameters, native functions, remote includes and contexts.
import {
  checkLlmParams,
  functionInclude,
  nativeFunctions,
  patternHint,
  pronunciationRule,
  type FunctionInclude,
  type Hint,
  type LlmParams,
  type NativeFunction,
  type PronunciationRule,
} from './ai-config.js';
import { ContextBuilder } from './contexts.js';
import { checkOptions } from './options.js';
import { checkLanguage } from './wire-checks.js';

export interface LanguageOptions {
  name: string;
  code: string;
  voice?: string;
  [field: string]: unknown;
}

export class AgentSettings {
  readonly hints: Hint[] = [];
  readonly languages: LanguageOptions[] = [];
  readonly params: Record<string, unknown> = {};
  globalData: Record<string, unknown> = {};
  readonly pronounce: PronunciationRule[] = [];
  promptLlmParams: LlmParams = {};
  postPromptLlmParams: LlmParams = {};
  nativeFunctions: NativeFunction[] = [];
  readonly functionIncludes: FunctionInclude[] = [];
  contexts: ContextBuilder | undefined;

  addHint(hint: string): this {
    this.hints.push(hint);
    return this;
  }
  addHints(hints: string[]): this {
    this.hints.push(...hints);
    return this;
  }
  /** A hint that rewrites what speech recognition heard: `pattern` (a regular expression) becomes `replace`. */
  addPatternHint(options: { hint: string; pattern: string; replace: string; ignoreCase?: boolean }): this {
    checkOptions(options, 'addPatternHint', { known: ['hint', 'pattern', 'replace', 'ignoreCase'] });
    this.hints.push(patternHint(options));
    return this;
  }
  /** Adds a language; SignalWire requires `name`, `code` and `voice`. */
  addLanguage(language: LanguageOptions): this {
    checkOptions(language, 'addLanguage', { required: ['name', 'code'] });
    checkLanguage(language);
    this.languages.push({ ...language });
    return this;
  }
  setParams(params: Record<string, unknown>): this {
    Object.assign(this.params, params);
    return this;
  }
  /** Merges into the call's global data (as SignalWire's SDKs do). */
  setGlobalData(data: Record<string, unknown>): this {
    this.globalData = { ...this.globalData, ...data };
    return this;
  }
  updateGlobalData(data: Record<string, unknown>): this {
    return this.setGlobalData(data);
  }
  /** Tells the AI how to say `replace` (e.g. "API" as "A P I"). */
  addPronunciation(replace: string, withText: string, options: { ignoreCase?: boolean } = {}): this {
    checkOptions(options, 'addPronunciation', { known: ['ignoreCase'] });
    this.pronounce.push(pronunciationRule(replace, withText, options.ignoreCase));
    return this;
  }
  /** LLM settings for the main prompt, merged; checked against SignalWire's schema. */
  setPromptLlmParams(params: LlmParams): this {
    checkOptions(params, 'setPromptLlmParams');
    this.promptLlmParams = { ...this.promptLlmParams, ...checkLlmParams(params, 'setPromptLlmParams') };
    return this;
  }
  /** LLM settings for the post-prompt (the summary), merged; sent only when a post-prompt is set. */
  setPostPromptLlmParams(params: LlmParams): this {
    checkOptions(params, 'setPostPromptLlmParams');
    this.postPromptLlmParams = {
      ...this.postPromptLlmParams,
      ...checkLlmParams(params, 'setPostPromptLlmParams'),
    };
    return this;
  }
  /** SignalWire's built-in functions the AI may call (e.g. `check_time`). */
  setNativeFunctions(names: NativeFunction[]): this {
    this.nativeFunctions = nativeFunctions(names);
    return this;
  }
  /**
   * Functions SignalWire fetches from another server. Their calls go there directly: none of swml-guard's
   * layers (tokens, limits, audit) protect them.
   */
  addFunctionInclude(options: {
    url: string;
    functions: string[];
    metaData?: Record<string, unknown>;
  }): this {
    this.functionIncludes.push(functionInclude(options));
    return this;
  }
  /** Starts (or returns) the agent's contexts; the conversation begins in the context named "default". */
  defineContexts(): ContextBuilder {
    this.contexts ??= new ContextBuilder();
    return this.contexts;
  }
}
