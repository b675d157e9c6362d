// ctx.logger: the child of `req.log` tool handlers get, masking the caller's number the way the audit log does.
import type { Logger, LogFn } from 'pino';
import { DEFAULT_FIELDS } from './field-names.js';
import { maskDigits, sanitize } from './redact.js';

const TOOL = Symbol('swml-guard.toolLogger');
const RAW_CALLER = Symbol('swml-guard.rawCaller');
type ToolLogger = Logger & { [TOOL]?: true; [RAW_CALLER]?: string };

/**
 * Why a hook on pino-http's logger: handlers log what they like (`ctx.logger.info({ caller:
 * raw.caller_id_num })`, `ctx.logger.info('calling back %s', ctx.callerId)`). Every object they pass is
 * sanitized like audit details (fields redacted or masked by meaning, card numbers masked, values cut)
 * and this call's caller number is masked wherever it appears, in objects and in message strings.
 * Lines of any other child (the access line, the framework's own `req.log` lines) pass straight through:
 * one symbol read.
 */
export const toolLoggerHooks = {
  logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
    const self = this as ToolLogger;
    if (self[TOOL] !== true) return method.apply(this, args);
    const raw = self[RAW_CALLER];
    const masked = maskDigits(raw) ?? '***';
    const out = args.map((arg: unknown) => {
      if (typeof arg === 'string')
        return raw !== undefined && arg.includes(raw) ? arg.split(raw).join(masked) : arg;
      if (arg === null || typeof arg !== 'object' || arg instanceof Error) return arg;
      return sanitize(arg, DEFAULT_FIELDS, { exact: raw });
    });
    method.apply(this, out as Parameters<LogFn>);
  },
};

/** The child logger for one tool call (of `req.log`): function, call and request ids, and the masked caller. */
export function toolLoggerFor(
  parent: Logger,
  bindings: { function: string; call_id: string | undefined; request_id: string | undefined },
  callerNumber: string | undefined,
): Logger {
  const child = parent.child({ ...bindings, caller: maskDigits(callerNumber) }) as ToolLogger;
  child[TOOL] = true;
  if (callerNumber !== undefined && callerNumber.length >= 5) child[RAW_CALLER] = callerNumber;
  return child;
}
