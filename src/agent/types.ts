// Shapes of tools, their context and SignalWire's SWAIG request, shared by the agent and the dispatcher.
import type { Logger } from 'pino';
import type { FunctionResult, FunctionResultJSON } from './function-result.js';

/** A JSON Schema for one argument (kept open: ajv validates it at startup). */
export type JsonSchema = Record<string, unknown>;

/** The tool's arguments schema: `{ type: 'object', properties, required }`. */
export interface ObjectSchema {
  type: 'object';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
}

/** SignalWire's SWAIG POST body (fields we read; everything else is passed through as rawData). */
export interface SwaigRequest {
  function: string;
  argument?: { parsed?: unknown[]; raw?: string; substituted?: string };
  call_id?: string;
  caller_id_num?: string;
  caller_id_name?: string;
  ai_session_id?: string;
  app_name?: string;
  project_id?: string;
  space_id?: string;
  meta_data?: Record<string, unknown>;
  meta_data_token?: string;
  global_data?: Record<string, unknown>;
  [field: string]: unknown;
}

/** What a handler gets besides its arguments. */
export interface ToolContext {
  callId: string | undefined;
  /** The caller's number, unmasked, for the handler's own use (logs mask it). */
  callerId: string | undefined;
  requestId: string;
  /** A child logger bound to this call; arguments are never in it. */
  logger: Logger;
  /** Writes an audit event for this call. */
  audit(event: string, details?: Record<string, unknown>): void;
  /** Records a security event (declare custom names with `securityEvents` on the tool). */
  securityEvent(name: string, details?: Record<string, unknown>): void;
  /** Aborted when the handler times out: pass it to fetch() and friends. */
  signal: AbortSignal;
}

export type ToolReturn = FunctionResult | FunctionResultJSON | string;

export type ToolHandler<A = Record<string, unknown>> = (
  args: A,
  rawData: SwaigRequest,
  ctx: ToolContext,
) => ToolReturn | Promise<ToolReturn>;

export interface ToolDefinition<A = Record<string, unknown>> {
  name: string;
  description: string;
  /** JSON Schema object, or just its `properties` map. Unknown argument fields are dropped (see strictArguments). */
  parameters?: ObjectSchema | Record<string, JsonSchema>;
  handler: ToolHandler<A>;
  /** Requires a function token bound to the call (SPEC 6.2). Default true; `false` opts out (doctor lists it). */
  secure?: boolean;
  /**
   * Default false: an argument field the model invents is dropped before validation, and a numeric string
   * where a number or integer is declared (`"25"`) becomes that number; both are noted in the audit line.
   * `true` refuses both as invalid arguments. Types, patterns and required fields are strict either way.
   */
  strictArguments?: boolean;
  /** Extra argument fields to redact in logs (added to the fields redacted by meaning). */
  sensitive?: string[];
  /**
   * Argument fields that identify without being secret (account numbers): logged masked to their last
   * 4 digits, like caller numbers. Account-number names (`account_number`, `to_account`, `iban`...)
   * are masked without being listed.
   */
  mask?: string[];
  /** Calls per caller per minute for this tool (default SWML_CALLER_FUNCTION_LIMIT). */
  rateLimit?: number;
  /** Security event names this tool may record with ctx.securityEvent() (bounded metric labels). */
  securityEvents?: string[];
  fillers?: Record<string, string[]>;
  metaDataToken?: string;
}

/** A tool after defineTool(): schema normalised. */
export interface RegisteredTool extends ToolDefinition {
  /** The full schema, validated on our side. */
  parameters: ObjectSchema;
  /** What SignalWire is sent: the subset of `parameters` its SWML schema accepts. */
  wireParameters: ObjectSchema;
  secure: boolean;
  strictArguments: boolean;
  sensitive: string[];
}
