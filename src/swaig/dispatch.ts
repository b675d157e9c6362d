// SWAIG dispatch (SPEC 6.1): envelope -> known function -> token -> emergency -> caller limit -> schema -> handler.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { FunctionResult, type FunctionResultJSON } from '../agent/function-result.js';
import type { RegisteredTool, SwaigRequest, ToolReturn } from '../agent/types.js';
import { auditContext } from '../http/context.js';
import { sendError, sendJsonText } from '../http/errors.js';
import type { AuditContext } from '../observability/audit-log.js';
import { maskPhone, sanitize, sensitiveSet } from '../observability/redact.js';
import { toolLoggerFor } from '../observability/tool-logger.js';
import type { Runtime } from '../runtime.js';
import type { FunctionOutcome } from '../observability/metrics.js';
import { auditArgs } from './audit-args.js';
import { extractArguments, parseEnvelope } from './envelope.js';
import { checkToken } from './token-check.js';

const REPLY = {
  invalid: (reasons: string) => JSON.stringify({ response: `Invalid arguments: ${reasons}` }),
  failed: JSON.stringify({ response: 'Sorry, that action could not be completed right now.' }),
  limited: JSON.stringify({ response: "You've made too many requests. Please wait a moment." }),
  emergency: JSON.stringify({ response: 'This service is temporarily unavailable.' }),
};

class HandlerTimeout extends Error {}

function toJson(result: ToolReturn): FunctionResultJSON {
  if (result instanceof FunctionResult) return result.toJSON();
  if (typeof result === 'string') return { response: result };
  if (result && typeof result === 'object' && typeof result.response === 'string') return result;
  throw new TypeError(
    'tool handler returned neither a FunctionResult, an object with `response`, nor a string',
  );
}

/** Builds the `/swaig` handler; per-tool work (sensitive sets, limits) is prepared here once. */
export function swaigHandler(rt: Runtime) {
  const { metrics, audit, tools } = rt;
  const sensitive = new Map(
    [...tools.values()].map((t) => [t.name, sensitiveSet(t.sensitive, t.mask ?? [])]),
  );
  const limits = new Map(
    [...tools.values()].map((t) => [t.name, t.rateLimit ?? rt.config.limits.callerFunction]),
  );

  /** Store errors fail open: a Redis outage must not silence every tool (reported, throttled). */
  async function overCallerLimit(key: string, limit: number): Promise<boolean> {
    try {
      return await rt.callerCounter.hit(key, limit);
    } catch (err) {
      rt.reportOutage('caller_limit', err);
      return false;
    }
  }

  return async function swaigDispatch(req: Request, res: Response): Promise<void> {
    const envelope = parseEnvelope(req.body as Record<string, unknown>);
    if (envelope === undefined) return sendError(res, 400, 'invalid swaig envelope');
    const tool = tools.get(envelope.function);
    if (tool === undefined) return sendError(res, 404, 'unknown function');
    const name = tool.name;
    const callId = envelope.call_id;
    const ctx = auditContext(req, callId);
    const started = performance.now();
    const args = extractArguments(envelope);

    let sessionId: string | undefined;
    const finish = (outcome: FunctionOutcome, body: string, extra?: Record<string, unknown>) => {
      metrics.functionCalls.inc({ function: name, outcome });
      audit.event('function_call', ctx, {
        function: name,
        args: sanitize(auditArgs(args), sensitive.get(name) ?? sensitiveSet()),
        outcome,
        duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
        caller: maskPhone(envelope.caller_id_num),
        session_id: sessionId,
        ...extra,
      });
      sendJsonText(res, 200, body);
    };

    if (tool.secure) {
      const { failure, session } = await checkToken(rt, req, name, callId);
      // A call started by GET: its session id ties this line to the call_start that minted the token.
      if (session !== undefined) sessionId = session;
      if (failure !== undefined) {
        metrics.functionCalls.inc({ function: name, outcome: 'denied' });
        audit.security('token_rejected', ctx, { function: name, reason: failure, session_id: sessionId });
        return sendError(res, 403);
      }
    }
    const level = rt.state.emergency.level();
    if (level === 'all' || (level === 'secure' && tool.secure) || rt.state.emergency.isDisabled(name)) {
      audit.security('emergency_block', ctx, {
        function: name,
        level,
        disabled: rt.state.emergency.isDisabled(name),
      });
      return finish('emergency_blocked', REPLY.emergency);
    }
    const caller = envelope.caller_id_num || callId || req.ip || 'unknown';
    if (await overCallerLimit(`${name}:${caller}`, limits.get(name) ?? rt.config.limits.callerFunction)) {
      metrics.rateLimited.inc({ limiter: 'caller' });
      audit.security('rate_limited', ctx, {
        limiter: 'caller',
        function: name,
        caller: maskPhone(envelope.caller_id_num),
      });
      return finish('rate_limited', REPLY.limited);
    }
    // Invented fields dropped and numeric strings read as numbers (unless strictArguments), then the schema.
    const verdict = rt.validators.get(name)?.(args) ?? { notes: {} };
    if (verdict.invalid !== undefined) {
      audit.security('invalid_arguments', ctx, { function: name, reasons: verdict.invalid });
      return finish('invalid_args', REPLY.invalid(verdict.invalid), verdict.notes);
    }
    const { outcome, body, error } = await runHandler(rt, tool, args, envelope, req, ctx);
    metrics.functionDuration.observe({ function: name }, (performance.now() - started) / 1000);
    finish(outcome, body, error ? { ...verdict.notes, error } : verdict.notes);
  };
}

async function runHandler(
  rt: Runtime,
  tool: RegisteredTool,
  args: Record<string, unknown>,
  envelope: SwaigRequest,
  req: Request,
  ctx: AuditContext,
) {
  const controller = new AbortController();
  const callId = envelope.call_id;
  // Built on first use: most handlers never log, and a pino child costs a serialisation per call.
  let child: Logger | undefined;
  const log = () =>
    (child ??= toolLoggerFor(
      rt.toolLogger,
      { function: tool.name, call_id: callId, request_id: ctx.request_id },
      envelope.caller_id_num,
    ));
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      Promise.resolve().then(() =>
        tool.handler(args, envelope, {
          callId,
          callerId: envelope.caller_id_num,
          requestId: typeof req.id === 'string' ? req.id : '',
          get logger() {
            return log();
          },
          signal: controller.signal,
          // The tool's details first: it cannot overwrite which function wrote the event.
          // Tool details are redacted by meaning and bounded like arguments.
          audit: (event, details) =>
            rt.audit.event(event, ctx, { ...(sanitize(details ?? {}) as object), function: tool.name }),
          securityEvent: (event, details) =>
            rt.audit.security(event, ctx, { ...(sanitize(details ?? {}) as object), function: tool.name }),
        }),
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HandlerTimeout()), rt.config.functionTimeoutMs);
      }),
    ]);
    return { outcome: 'ok' as const, body: JSON.stringify(toJson(result)), error: undefined };
  } catch (err) {
    if (err instanceof HandlerTimeout) {
      controller.abort(err);
      log().error({ timeout_ms: rt.config.functionTimeoutMs }, 'tool handler timed out');
      return { outcome: 'timeout' as const, body: REPLY.failed, error: 'timeout' };
    }
    // The error and its stack go to the log only; the caller hears the generic sentence.
    log().error({ err }, 'tool handler failed');
    // Handlers may throw anything, null included: only an Error's name is read, never a property of null.
    const name = err instanceof Error && err.name ? err.name : 'Error';
    return { outcome: 'error' as const, body: REPLY.failed, error: name };
  } finally {
    clearTimeout(timer);
  }
}
