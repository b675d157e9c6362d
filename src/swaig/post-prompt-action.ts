// What a POST to post_prompt_url means: the end of the call, or another action that must end nothing.

/**
 * SignalWire posts to `post_prompt_url` for more than the end of a call. Only two shapes end one:
 * - `{"action":"post_conversation","call_id",...,"post_prompt_data":{"raw","parsed"}}`, the classic body;
 * - `{"event_type":"calling.call.ai.complete","params":{"call_id","post_prompt_result"|"summary",...}}`,
 *   the event envelope, with the call id under `params`.
 * Anything else (`fetch_conversation`, which asks for a stored conversation when `conversation_id` is
 * set, or an action we do not know) is answered as SignalWire's SDKs answer it and revokes nothing: a
 * call whose tokens died on such a post would lose every secure tool mid-conversation.
 */
export type PostPromptRoute =
  | { kind: 'end'; action: string; callId: string | undefined; summary: unknown }
  | { kind: 'other'; action: string; callId: string | undefined };

const AI_COMPLETE = 'calling.call.ai.complete';
const ACTION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** `post_prompt_data.parsed[0]` when present, else its raw text (the classic body). */
function classicSummary(body: Record<string, unknown>): unknown {
  const data = body.post_prompt_data;
  if (!isObject(data)) return undefined;
  const { parsed, raw } = data;
  return Array.isArray(parsed) && parsed.length > 0 && parsed[0] !== null ? parsed[0] : raw;
}

/**
 * Classifies one post_prompt body. `action` is bounded for logs: an unknown or odd name becomes `unknown`.
 *
 * @example
 * postPromptRoute({ action: 'fetch_conversation', call_id: 'c1' }); // { kind: 'other', action: 'fetch_conversation', callId: 'c1' }
 */
export function postPromptRoute(body: Record<string, unknown>): PostPromptRoute {
  if (body.event_type === AI_COMPLETE && isObject(body.params)) {
    const params = body.params;
    return {
      kind: 'end',
      action: AI_COMPLETE,
      callId: text(params.call_id),
      summary: params.post_prompt_result ?? params.summary,
    };
  }
  const action = text(body.action);
  if (action === 'post_conversation')
    return { kind: 'end', action, callId: text(body.call_id), summary: classicSummary(body) };
  return {
    kind: 'other',
    action: action !== undefined && ACTION_NAME.test(action) ? action : 'unknown',
    callId: text(body.call_id),
  };
}
