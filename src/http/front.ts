// The agent port's one app-level middleware: request identity, the access log, then the route's pipeline.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { HttpLogger } from 'pino-http';
import { clientIp, requestId } from './context.js';
import type { Responder } from './respond.js';
import { RequestState } from './request-state.js';
import type { RouteInfo } from './route-info.js';

export interface Route {
  info: RouteInfo;
  pipeline: RequestHandler;
}

/** `/Swaig/` and `/swaig` are one route (Express' defaults: case-insensitive, trailing slash optional). */
export function routeKey(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

function pathOf(req: Request): string {
  const url = req.url;
  if (url.charCodeAt(0) !== 47 /* '/' */) return req.path; // absolute-form targets: Express parses them
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Why one middleware and a map instead of Express routes: the route table is fixed at startup, and
 * walking Express' layers (a regular expression and a `next()` per layer) for each request was
 * measurable. The request's state is created here, once: its id (a clean client X-Request-Id, else a
 * UUID), its client address (read once), its route. Then pino-http (the access line, `req.log`), then
 * the route's pipeline, or 404 through the same responder as every answer.
 */
export function front(options: {
  routes: ReadonlyMap<string, Route>;
  unmatched: RouteInfo;
  trustProxy: number;
  /** True while draining: answers to requests that arrive now close their connection. */
  draining: () => boolean;
  log: HttpLogger;
  respond: Responder;
}): RequestHandler {
  const { routes, unmatched, trustProxy, draining, log, respond } = options;
  return function frontMiddleware(req: Request, res: Response, next: NextFunction): void {
    const route = routes.get(routeKey(pathOf(req)));
    const state = new RequestState(requestId(req), clientIp(req, trustProxy), route?.info ?? unmatched);
    state.closeConnection = draining();
    req.state = state;
    req.id = state.id;
    log(req, res);
    if (route !== undefined) void route.pipeline(req, res, next);
    else respond.error(req, res, state, 404);
  };
}
