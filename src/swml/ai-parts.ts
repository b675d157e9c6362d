// The static parts of the `ai` verb, serialised once: the prompt and settings around the per-request holes,
// and the SWAIG function entries. A per-call hook recomputes only the prompt and settings.
import type { AgentBase } from '../agent/agent-base.js';

/** What the prompt and settings are read from: the agent, or its per-call copy. */
export type SwmlSource = Pick<
  AgentBase,
  | 'promptText'
  | 'sections'
  | 'postPrompt'
  | 'params'
  | 'hints'
  | 'languages'
  | 'pronounce'
  | 'globalData'
  | 'promptLlmParams'
  | 'postPromptLlmParams'
  | 'contexts'
  | 'name'
>;

export interface AiParts {
  /** `{"prompt":...,"post_prompt":...` (open: the post_prompt_url may follow). */
  head: string;
  /** `,"params":...,"hints":...` or empty. */
  tail: string;
  withPostPrompt: boolean;
}

export interface FunctionPart {
  name: string;
  secure: boolean;
  /** The entry's JSON without its closing brace, so that a web_hook_url can be appended. */
  json: string;
}

/** JSON text of an object without its closing brace, so fields can be appended. */
export function open(value: Record<string, unknown>): string {
  return JSON.stringify(value).slice(0, -1);
}

/**
 * SignalWire's schema wants at least one POM section, and a body or bullets in each: a section with a
 * title only gets an empty body, and an agent with no prompt at all an empty prompt text (with contexts,
 * the Python SDK's default base prompt instead).
 */
function promptBase(source: SwmlSource, withContexts: boolean): Record<string, unknown> {
  if (source.promptText !== undefined) return { text: source.promptText };
  if (source.sections.length === 0) {
    return withContexts
      ? { text: `You are ${source.name}, a helpful AI assistant that follows structured workflows.` }
      : { text: '' };
  }
  return {
    pom: source.sections.map((s) =>
      s.body === undefined && s.bullets === undefined ? { ...s, body: '' } : s,
    ),
  };
}

export function aiParts(source: SwmlSource): AiParts {
  const contexts = source.contexts?.toJSON();
  const base = promptBase(source, contexts !== undefined);
  const prompt: Record<string, unknown> = { ...base, ...source.promptLlmParams };
  if (contexts) prompt.contexts = contexts;
  const head: Record<string, unknown> = { prompt };
  if (source.postPrompt !== undefined)
    head.post_prompt = { text: source.postPrompt, ...source.postPromptLlmParams };
  const tail: Record<string, unknown> = {};
  if (Object.keys(source.params).length > 0) tail.params = source.params;
  if (source.hints.length > 0) tail.hints = source.hints;
  if (source.languages.length > 0) tail.languages = source.languages;
  if (source.pronounce.length > 0) tail.pronounce = source.pronounce;
  if (Object.keys(source.globalData).length > 0) tail.global_data = source.globalData;
  return {
    head: open(head),
    tail: Object.keys(tail).length > 0 ? `,${JSON.stringify(tail).slice(1, -1)}` : '',
    withPostPrompt: source.postPrompt !== undefined,
  };
}

/**
 * The DataMap entries, after the checks only the whole agent can tell: names used twice, and the contexts'
 * references to steps, contexts and functions. SignalWire runs these itself: no webhook, so no token either.
 */
export function dataMapParts(agent: AgentBase): FunctionPart[] {
  const names = new Set(agent.tools.keys());
  for (const name of agent.dataMapTools.keys()) {
    if (names.has(name)) throw new Error(`tool ${name} is defined both with defineTool() and as a DataMap`);
    names.add(name);
  }
  const includes = agent.functionIncludes.flatMap((i) => i.functions);
  agent.contexts?.validate(new Set([...names, ...agent.nativeFunctions, ...includes]));
  return [...agent.dataMapTools.values()].map((entry) => ({
    name: entry.function,
    secure: false,
    json: open({ ...entry }),
  }));
}

/** What precedes `functions` in the SWAIG object: `native_functions` and `includes`, with a trailing comma. */
export function swaigPrefix(agent: AgentBase): string {
  const prefix: Record<string, unknown> = {};
  if (agent.nativeFunctions.length > 0) prefix.native_functions = agent.nativeFunctions;
  if (agent.functionIncludes.length > 0) prefix.includes = agent.functionIncludes;
  return Object.keys(prefix).length > 0 ? `${JSON.stringify(prefix).slice(1, -1)},` : '';
}
