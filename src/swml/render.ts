// Renders the SWML document (SPEC 5). Static parts are serialised once; per request only URLs and tokens.
import type { AgentBase } from '../agent/agent-base.js';
import type { FunctionTokens } from '../security/function-token.js';
import { aiParts, dataMapParts, open, swaigPrefix, type AiParts, type SwmlSource } from './ai-parts.js';

export interface RenderInput {
  baseUrl: string;
  callId: string;
}

export interface SwmlRenderer {
  /** The document as JSON text (it holds credentials and tokens: never log it). */
  render(input: RenderInput): string;
  /** The same document with the prompt and settings of a per-call copy of the agent (tools stay as at startup). */
  renderFrom(source: SwmlSource, input: RenderInput): string;
}

/** `user:password@` with both parts percent-encoded, as SignalWire expects in callback URLs. */
export function userinfo(user: string, password: string): string {
  return `${encodeURIComponent(user)}:${encodeURIComponent(password)}@`;
}

/** Puts credentials into a base URL: `https://host/x` -> `https://user:p%40ss@host/x`. */
function withCredentials(baseUrl: string, credentials: string): string {
  const i = baseUrl.indexOf('://') + 3;
  return `${baseUrl.slice(0, i)}${credentials}${baseUrl.slice(i)}`;
}

/**
 * Precomputes the document around the per-request holes (base URL, tokens). Tokens are minted per
 * call: each secure tool gets `?__token=` bound to its name and the call's call_id.
 */
export function swmlRenderer(
  agent: AgentBase,
  options: { user: string; password: string; tokens: FunctionTokens },
): SwmlRenderer {
  const credentials = userinfo(options.user, options.password);
  const route = agent.route;
  const staticParts = aiParts(agent);

  const functions = [...agent.tools.values()].map((tool) => {
    const spec: Record<string, unknown> = {
      function: tool.name,
      description: tool.description,
      // SignalWire is sent only what its schema accepts; the full schema is enforced on our side.
      parameters: tool.wireParameters,
    };
    if (tool.fillers) spec.fillers = tool.fillers;
    if (tool.metaDataToken) spec.meta_data_token = tool.metaDataToken;
    return { name: tool.name, secure: tool.secure, json: open(spec) };
  });
  functions.push(...dataMapParts(agent));
  const prefix = swaigPrefix(agent);

  function compose(parts: AiParts, { baseUrl, callId }: RenderInput): string {
    const root = `${withCredentials(baseUrl, credentials)}${route}`;
    const swaigUrl = JSON.stringify(`${root}swaig`);
    let out = `{"version":"1.0.0","sections":{"main":[{"answer":{}},{"ai":${parts.head}`;
    if (parts.withPostPrompt) {
      const token = options.tokens.mint('post_prompt', callId);
      out += `,"post_prompt_url":${JSON.stringify(`${root}post_prompt?__token=${token}`)}`;
    }
    out += `${parts.tail},"SWAIG":{${prefix}"functions":[`;
    for (let i = 0; i < functions.length; i++) {
      const f = functions[i];
      if (f === undefined) continue;
      if (i > 0) out += ',';
      if (f.secure) {
        const token = options.tokens.mint(f.name, callId);
        out += `${f.json},"web_hook_url":${JSON.stringify(`${root}swaig?__token=${token}`)}}`;
      } else {
        out += `${f.json}}`;
      }
    }
    return `${out}],"defaults":{"web_hook_url":${swaigUrl}}}}}]}}`;
  }

  return {
    render: (input) => compose(staticParts, input),
    renderFrom: (source, input) => compose(aiParts(source), input),
  };
}

/** A document that speaks one sentence and hangs up: no AI session starts (call limits, emergency). */
export function refusalSwml(message: string): string {
  return JSON.stringify({
    version: '1.0.0',
    sections: { main: [{ answer: {} }, { play: { url: `say:${message}` } }, { hangup: {} }] },
  });
}
