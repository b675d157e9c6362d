// The per-call SWML hook: without one, the precomputed document; with one, the hook configures a copy of the
// agent for this call, within the function time limit, and any failure falls back to the static document.
import type { Request } from 'express';
import { callCopy, type SwmlRequestInfo } from '../agent/call-config.js';
import type { Runtime } from '../runtime.js';
import type { RenderInput, SwmlRenderer } from './render.js';

/** Headers that carry credentials or signatures: a hook never sees them. */
const HIDDEN_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-signalwire-signature']);

class HookTimeout extends Error {}

function requestInfo(req: Request, callId: string): SwmlRequestInfo {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (HIDDEN_HEADERS.has(name) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    const last: unknown = Array.isArray(value) ? value.at(-1) : value;
    if (typeof last === 'string') query[name] = last;
  }
  const body: unknown = req.body;
  return {
    method: req.method,
    callId,
    query,
    // A copy: the hook may not change what the handler already read.
    body: body !== null && typeof body === 'object' ? (structuredClone(body) as Record<string, unknown>) : {},
    headers,
  };
}

/** Returns the document for a request: a string at once on the static path, a promise with a hook. */
export function callDocument(
  rt: Runtime,
  renderer: SwmlRenderer,
): (req: Request, input: RenderInput) => string | Promise<string> {
  const hook = rt.agent.dynamicConfig;
  if (hook === undefined) return (_req, input) => renderer.render(input);
  const timeoutMs = rt.config.functionTimeoutMs;

  return async function renderForCall(req, input) {
    const copy = callCopy(rt.agent);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => hook(requestInfo(req, input.callId), copy)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new HookTimeout()), timeoutMs);
        }),
      ]);
      // Tokens and URLs are added here, after the hook: it can change the prompt, never a token.
      return renderer.renderFrom(copy, input);
    } catch (err) {
      const reason = err instanceof HookTimeout ? { timeout_ms: timeoutMs } : { err };
      rt.logger.error(
        { ...reason, call_id: input.callId },
        'dynamic config hook failed; serving the static document',
      );
      return renderer.render(input);
    } finally {
      clearTimeout(timer);
    }
  };
}
