// The per-call SWML hook (Python SDK: dynamic config callback): what it receives, and the copy it configures.
import type { AgentBase } from './agent-base.js';

/** The SWML request as the hook sees it. Credentials and signatures are removed from `headers`. */
export interface SwmlRequestInfo {
  method: string;
  /**
   * The call id the document's tokens are bound to: SignalWire's `call.call_id`, or for a GET (or a POST
   * without one) the one-time session id (`~...`) that the first SWAIG request binds to the real call.
   */
  callId: string;
  query: Record<string, string>;
  /** SignalWire's call payload (`{ call: { call_id, from, to, ... }, vars }`); `{}` for GET. */
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

type Method<K extends keyof AgentBase> = AgentBase[K] extends (...args: infer A) => unknown
  ? (...args: A) => CallConfig
  : never;

/**
 * What a hook may change for one call: the prompt, post-prompt, hints, languages, params, global data,
 * pronunciations and LLM parameters. Tools, routes and security settings are fixed at startup.
 */
export interface CallConfig {
  readonly name: string;
  readonly route: string;
  promptAddSection: Method<'promptAddSection'>;
  setPromptText: Method<'setPromptText'>;
  setPostPrompt: Method<'setPostPrompt'>;
  addHint: Method<'addHint'>;
  addHints: Method<'addHints'>;
  addPatternHint: Method<'addPatternHint'>;
  addLanguage: Method<'addLanguage'>;
  setParams: Method<'setParams'>;
  setGlobalData: Method<'setGlobalData'>;
  updateGlobalData: Method<'updateGlobalData'>;
  addPronunciation: Method<'addPronunciation'>;
  setPromptLlmParams: Method<'setPromptLlmParams'>;
  setPostPromptLlmParams: Method<'setPostPromptLlmParams'>;
}

/** Called for each SWML request that passed every check, before the document is rendered. */
export type DynamicConfigHook = (request: SwmlRequestInfo, agent: CallConfig) => void | Promise<void>;

/** Configuration the hook may change: copied for each call so that nothing leaks into the next one. */
const COPIED = [
  'sections',
  'hints',
  'languages',
  'params',
  'globalData',
  'pronounce',
  'promptLlmParams',
  'postPromptLlmParams',
] as const;

/**
 * A copy of the agent for one call (the Python SDK's ephemeral agent): the agent's own methods, working on
 * copies of the configuration above. Tools and the other registries are copied too, so that a hook that
 * calls defineTool() from plain JavaScript changes nothing: the document's tools come from startup.
 */
export function callCopy(agent: AgentBase): AgentBase {
  const copy = Object.create(Object.getPrototypeOf(agent) as object) as AgentBase;
  Object.assign(copy, agent);
  const fields = copy as unknown as Record<string, unknown>;
  for (const key of COPIED) fields[key] = JSON.parse(JSON.stringify(agent[key])) as unknown;
  fields.tools = new Map(agent.tools);
  fields.dataMapTools = new Map(agent.dataMapTools);
  fields.securityEvents = new Set(agent.securityEvents);
  return copy;
}
