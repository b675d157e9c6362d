// One request pipeline per route: its units composed once at startup, run in order by one Express middleware.
import type { NextFunction, Request, Response } from 'express';
import type { Refusal } from './refusal.js';
import type { RequestState } from './request-state.js';

/** What a unit decides: go on (undefined), a refusal, or DROPPED (it dropped the connection itself). */
export type Verdict = Refusal | typeof DROPPED | undefined;

/** The request was dropped without an answer (a body stream that failed): nothing more to do. */
export const DROPPED = Symbol('dropped');

/**
 * One security or transport layer, in the one shape every layer has: a factory validates its options and
 * precomputes at startup (digests, header strings, metric children, refusals), and returns this object,
 * whose `run` does the per-request work and returns a verdict. A unit never answers or logs a refusal
 * itself: it returns it, and the pipeline hands it to the shared hook (src/http/refusal.ts), which counts
 * the metric, writes the (aggregated, bounded) audit event and sends the answer.
 *
 * @example
 * export function ipAllowList(allowed: readonly string[]): Unit {
 *   const set = new Set(allowed);
 *   const refused = refusal(403, { audit: 'ip_not_allowed' });
 *   return { name: 'ip-allow-list', run: (_req, _res, state) => (set.has(state.ip) ? undefined : refused) };
 * }
 */
export interface Unit {
  readonly name: string;
  run(req: Request, res: Response, state: RequestState): Verdict | Promise<Verdict>;
}

/** The route's last step, reached when every unit let the request through. */
export type Handler = (
  req: Request,
  res: Response,
  state: RequestState,
  next: NextFunction,
) => void | Promise<void>;

/** Sends a refusal: the metric, the audit event, the answer (src/http/refusal.ts). */
export type RefuseHook = (req: Request, res: Response, state: RequestState, refusal: Refusal) => void;

const isPromise = (v: unknown): v is Promise<Verdict> =>
  typeof (v as Promise<Verdict> | undefined)?.then === 'function';

/**
 * Composes `units` and `handler` into one Express middleware, the way hono's `compose` or fastify's hooks
 * do: one loop instead of one Express layer per unit. Synchronous units cost one call each; only a unit
 * that returns a promise (a store, the body stream) makes the rest of the loop continue asynchronously.
 * A unit or handler that throws (or rejects) goes to Express' error handler: 500, logged, no detail sent.
 */
export function compose(units: readonly Unit[], handler: Handler, refuse: RefuseHook) {
  const n = units.length;

  function settle(req: Request, res: Response, next: NextFunction, v: Verdict, i: number): unknown {
    if (v === undefined) return run(req, res, next, i + 1);
    if (v !== DROPPED) refuse(req, res, req.state, v);
    return undefined;
  }

  function run(req: Request, res: Response, next: NextFunction, from: number): unknown {
    const state = req.state;
    for (let i = from; i < n; i++) {
      const verdict = (units[i] as Unit).run(req, res, state);
      if (verdict === undefined) continue;
      if (isPromise(verdict)) return verdict.then((v) => settle(req, res, next, v, i));
      if (verdict !== DROPPED) refuse(req, res, state, verdict);
      return undefined;
    }
    return handler(req, res, state, next);
  }

  return function pipeline(req: Request, res: Response, next: NextFunction): void {
    let out: unknown;
    try {
      out = run(req, res, next, 0);
    } catch (err) {
      return next(err);
    }
    if (isPromise(out)) out.then(undefined, next);
  };
}
