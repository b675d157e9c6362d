// createApp(): the Express 5 app, assembled from the runtime, the responder and one pipeline per route. Never listens.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AgentBase } from '../agent/agent-base.js';
import { accessLog } from '../observability/access-log.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { clientErrorStatus, sendError } from './errors.js';
import { front } from './front.js';
import { internalApp } from './internal.js';
import type { Unit } from './pipeline.js';
import { responder } from './respond.js';
import { routeInfo } from './route-info.js';
import { agentRoutes } from './routes.js';

export interface GuardHandle {
  readonly runtime: Runtime;
  /** The internal-port app: /metrics and /admin. */
  readonly internal: Express;
  /** `ready` answers 200 only while true; serve() flips it when listening and when draining. */
  ready: boolean;
  draining: boolean;
  /**
   * Releases timers and connections held by the shared state, writes pending log summaries, waits at
   * most `flushTimeoutMs` for stdout, and closes the audit file. True when every log line was written.
   */
  close(options?: { flushTimeoutMs?: number }): Promise<boolean>;
}

export type GuardApp = Express & { guard: GuardHandle };
export interface AppOptions extends RuntimeOptions {
  /** Extra units run on every webhook after the transport gates, before the limiters (src/http/routes.ts). */
  units?: readonly Unit[];
}

/**
 * Builds the agent's Express app. Use `serve()` to listen; use this for tests and embedding.
 *
 * @example
 * const app = createApp(agent, { env: { SWML_BASIC_AUTH_PASSWORD: '...' } });
 * await request(app).get('/').auth('signalwire', password).expect(200);
 */
export function createApp(agent: AgentBase, options: AppOptions = {}): GuardApp {
  const rt = createRuntime(agent, options);
  const { config } = rt;
  const app = express() as GuardApp;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy > 0 ? config.trustProxy : false);

  const respond = responder({ trustProxy: config.trustProxy });
  const ready = () => app.guard.ready && !app.guard.draining && !rt.auditBlocked();
  app.use(
    front({
      routes: agentRoutes(rt, respond, ready, options.units),
      unmatched: routeInfo('unmatched', rt.metrics),
      trustProxy: config.trustProxy,
      draining: () => app.guard.draining,
      log: accessLog(rt.httpLogger, rt.accessRefusals),
      respond,
    }),
  );
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = clientErrorStatus(err) ?? 500;
    if (status === 500) rt.logger.error({ err, request_id: req.state?.id }, 'unhandled error');
    // A pipeline answers through the responder (security headers, metric); anything earlier, plainly.
    if (req.state === undefined) return sendError(res, status);
    respond.error(req, res, req.state, status);
  });

  app.guard = {
    runtime: rt,
    internal: internalApp(rt),
    ready: true,
    draining: false,
    close: (closeOptions) => rt.close(closeOptions),
  };
  return app;
}
