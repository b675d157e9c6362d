// The SWAIG route's last step: run the tool (every unit before it let the call through), within its time limit.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { FunctionResult, type FunctionResultJSON } from '../agent/function-result.js';
import type { ToolContext, ToolReturn } from '../agent/types.js';
import type { Handler } from '../http/pipeline.js';
import type { FunctionCallRecorder } from '../http/refusal.js';
import type { FunctionCall, RequestState } from '../http/request-state.js';
import type { Responder } from '../http/respond.js';
import type { FunctionOutcome } from '../observability/metrics.js';
import { sanitize } from '../observability/redact.js';
import { toolLoggerFor } from '../observability/tool-logger.js';
import type { Runtime } from '../runtime.js';
import type { TokenSubject } from '../security/token.js';

const FAILED = JSON.stringify({ response: 'Sorry, that action could not be completed right now.' });

class HandlerTimeout extends Error {}

function toJson(result: ToolReturn): FunctionResultJSON {
  if (result instanceof FunctionResult) return result.toJSON();
  if (typeof result === 'string') return { response: result };
  if (result && typeof result === 'object' && typeof result.response === 'string') return result;
  throw new TypeError(
    'tool handler returned neither a FunctionResult, an object with `response`, nor a string',
  );
}

/** What a SWAIG call's token must be for: a secure tool, the body's call_id. Open tools need none. */
export function toolSubject(state: RequestState): TokenSubject | undefined {
  const call = state.call;
  if (call === undefined || !call.tool.secure) return undefined;
  return { functionName: call.tool.name, callId: call.envelope.call_id, endsCall: false };
}

const isThenable = (v: unknown): v is PromiseLike<ToolReturn> =>
  typeof (v as PromiseLike<unknown> | null)?.then === 'function';

/**
 * Builds the handler. A handler that returns at once (most do: the demo's do no I/O) costs no timer and
 * no promise; one that returns a promise races `SWML_FUNCTION_TIMEOUT_MS`. A handler that throws or times
 * out answers the generic sentence; the error and its stack go to the log only (never to the caller).
 */
export function toolRunner(rt: Runtime, respond: Responder, calls: FunctionCallRecorder): Handler {
  const timeoutMs = rt.config.functionTimeoutMs;
  const durationLabels = new Map([...rt.tools.keys()].map((name) => [name, { function: name }]));

  return function runTool(req: Request, res: Response, state: RequestState): void | Promise<void> {
    const call = state.call as FunctionCall;
    const name = call.tool.name;
    let controller: AbortController | undefined;
    let timedOut: HandlerTimeout | undefined;
    // Built on first use: most handlers never log, and a child logger costs a serialisation per call.
    let child: Logger | undefined;
    const log = () =>
      (child ??= toolLoggerFor(
        req.log,
        { function: name, call_id: call.envelope.call_id, request_id: state.id },
        call.envelope.caller_id_num,
      ));
    const ctx: ToolContext = {
      callId: call.envelope.call_id,
      callerId: call.envelope.caller_id_num,
      requestId: state.id,
      get logger() {
        return log();
      },
      get signal() {
        if (controller === undefined) {
          controller = new AbortController();
          if (timedOut !== undefined) controller.abort(timedOut);
        }
        return controller.signal;
      },
      // The tool's details first: it cannot overwrite which function wrote the event.
      // Tool details are redacted by meaning and bounded like arguments.
      audit: (event, details) =>
        rt.audit.event(event, state.audit, { ...(sanitize(details ?? {}) as object), function: name }),
      securityEvent: (event, details) =>
        rt.audit.security(event, state.audit, { ...(sanitize(details ?? {}) as object), function: name }),
    };

    function finish(outcome: FunctionOutcome, body: string, error?: string): void {
      rt.metrics.functionDuration.observe(
        durationLabels.get(name) ?? { function: name },
        (performance.now() - call.started) / 1000,
      );
      calls.record(state, outcome, true, error === undefined ? undefined : { error });
      respond.json(req, res, state, 200, body);
    }
    function succeed(result: ToolReturn): void {
      let body: string;
      try {
        body = JSON.stringify(toJson(result));
      } catch (err) {
        return fail(err);
      }
      finish('ok', body);
    }
    function fail(err: unknown): void {
      // The error and its stack go to the log only; the caller hears the generic sentence.
      log().error({ err }, 'tool handler failed');
      // Handlers may throw anything, null included: only an Error's name is read, never a property of null.
      finish('error', FAILED, err instanceof Error && err.name ? err.name : 'Error');
    }

    let result: ToolReturn | PromiseLike<ToolReturn>;
    try {
      result = call.tool.handler(call.args, call.envelope, ctx);
    } catch (err) {
      return fail(err);
    }
    if (!isThenable(result)) return succeed(result);
    const pending = result;
    return new Promise<void>((resolve) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        timedOut = new HandlerTimeout();
        controller?.abort(timedOut);
        log().error({ timeout_ms: timeoutMs }, 'tool handler timed out');
        finish('timeout', FAILED, 'timeout');
        resolve();
      }, timeoutMs);
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
        resolve();
      };
      pending.then(
        (value) => settle(() => succeed(value)),
        (err: unknown) => settle(() => fail(err)),
      );
    });
  };
}
