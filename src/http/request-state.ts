// What one request carries through its pipeline: one object, created once, filled in by the units as they pass.
import type { RegisteredTool, SwaigRequest } from '../agent/types.js';
import type { AuditContext } from '../observability/audit-log.js';
import type { PostPromptRoute } from '../swaig/post-prompt-action.js';
import type { RouteInfo } from './route-info.js';

/** The SWAIG call, once the envelope named a known function (src/security/envelope.ts). */
export interface FunctionCall {
  readonly tool: RegisteredTool;
  readonly envelope: SwaigRequest;
  readonly args: Record<string, unknown>;
  /** performance.now() when the envelope was read: the function_call line's duration_ms starts here. */
  readonly started: number;
  /** How the arguments were changed before validation (src/swaig/arguments.ts), for the function_call line. */
  notes: Record<string, unknown> | undefined;
}

/** A good function token (src/security/token.ts). */
export interface TokenGrant {
  /** Its expiry, seconds since the epoch: an ended call stays revoked at least until then. */
  readonly exp: number;
  /** The session a session-bound token belongs to (SWML fetched without a call id). */
  readonly session: string | undefined;
}

/** The call a SWML fetch starts (src/swml/call.ts). */
export interface SwmlCall {
  /** SignalWire's call id from the POST body, when valid. */
  readonly callId: string | undefined;
  /** What the call's tokens are bound to: the call id, or a fresh session. */
  readonly subject: string;
  /** The caller's number (unmasked; logs mask it). */
  readonly from: string | undefined;
}

export class RequestState {
  /** performance.now() when the request entered the app (request duration metric, function duration). */
  readonly started = performance.now();
  /** The route template and its metric series (`unmatched` until a route took the request). */
  route: RouteInfo;
  /** Who and where, for every audit event of this request: request id, client address, call id. */
  readonly audit: AuditContext;
  /**
   * The answer closes the connection: the request arrived while draining (shutdown). Decided when it
   * arrives, not when it is answered: a call accepted before SIGTERM keeps its connection, so a request
   * already pipelined behind it (a probe of /ready) is still answered, with 503.
   */
  closeConnection = false;
  /** Flat [name, value, ...] headers every answer to this request carries (the per-IP RateLimit headers). */
  headers: string[] | undefined = undefined;
  /** The exact bytes received (signatures), once read. */
  raw: Buffer | undefined = undefined;
  /** The parsed JSON object (also `req.body`). */
  body: Record<string, unknown> | undefined = undefined;
  /** SWAIG: the function call. */
  call: FunctionCall | undefined = undefined;
  /** SWAIG and post_prompt: the function token, once accepted; its session, also when refused. */
  token: TokenGrant | undefined = undefined;
  session: string | undefined = undefined;
  /** post_prompt: what the post means (the end of the call, or another action). */
  ending: PostPromptRoute | undefined = undefined;
  /** SWML: the call being started. */
  swml: SwmlCall | undefined = undefined;

  /**
   * @param ip the client address (the socket's, or the trusted hop's `X-Forwarded-For` entry: Express'
   *   `req.ip`), read once: Express recomputes it from the headers on every read.
   */
  constructor(
    readonly id: string,
    readonly ip: string,
    route: RouteInfo,
  ) {
    this.route = route;
    this.audit = { call_id: undefined, request_id: id, ip };
  }

  /** Names the call in every later audit event of this request. */
  setCallId(callId: string | undefined): void {
    this.audit.call_id = callId;
  }
}
