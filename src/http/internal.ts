// The internal port (SPEC 10): /metrics, and /admin for the emergency switch. Never published.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { EmergencyLevel } from '../config/index.js';
import type { Runtime } from '../runtime.js';
import { SharedStateUnavailableError } from '../state/redis-emergency.js';
import { timingSafeEqual } from '../security/timing-safe.js';
import { readBody } from './body.js';
import { auditContext, requestId } from './context.js';
import { clientErrorStatus, sendError, sendJson } from './errors.js';
import { parseJson } from './json-body.js';
import { compose } from './pipeline.js';
import { RequestState } from './request-state.js';
import { routeInfo } from './route-info.js';

const LEVELS = new Set<EmergencyLevel>(['off', 'secure', 'all']);

/**
 * An emergency switch must work even when Redis is down: the change is applied on this replica at once
 * and kept pending until Redis is back. Answered with 202 and `shared: false` so the operator knows to
 * repeat it on the other replicas if the outage lasts.
 */
async function sharedWrite(write: Promise<void>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (err instanceof SharedStateUnavailableError) return false;
    throw err;
  }
}

function statusOf(rt: Runtime, shared = true) {
  return {
    level: rt.state.emergency.level(),
    disabled_functions: rt.state.emergency.disabledFunctions(),
    functions: [...rt.tools.values()].map((t) => ({
      name: t.name,
      secure: t.secure,
      enabled: !rt.state.emergency.isDisabled(t.name),
    })),
    shared_state: rt.state.kind,
    ...(shared ? {} : { shared: false, warning: 'applied on this replica only: Redis is unavailable' }),
  };
}

/** Builds the internal app. Admin routes exist only when SWML_ADMIN_TOKEN is set. */
export function internalApp(rt: Runtime): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const { registry } = rt.metrics;

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.end(await registry.metrics());
  });
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));

  const token = rt.config.adminToken;
  if (token !== undefined) {
    const expected = `Bearer ${token}`;
    const admin = express.Router();
    // Admin actions are audited: give them a request id like the webhooks (a clean client one is kept).
    admin.use(function adminRequestId(req: Request, res: Response, next: NextFunction) {
      req.id = requestId(req);
      res.setHeader('X-Request-Id', req.id);
      next();
    });
    admin.use(function adminAuth(req: Request, res: Response, next: NextFunction) {
      const header = req.headers.authorization ?? '';
      // Compare the whole header through the shared constant-time helper; any case of "Bearer".
      const normalized = /^bearer /i.test(header) ? `Bearer ${header.slice(7)}` : header;
      if (timingSafeEqual(normalized, expected)) return next();
      rt.audit.security('auth_failure', auditContext(req), {
        layer: 'admin',
        reason: header ? 'invalid' : 'missing',
      });
      res.setHeader('WWW-Authenticate', 'Bearer realm="swml-guard-admin"');
      sendError(res, 401);
    });
    // The agent port's body steps (read, parse); a refusal here is a plain error answer, not audited.
    const info = routeInfo('/admin', rt.metrics);
    const body = compose(
      [readBody({ limit: 16 * 1024 }), parseJson()],
      (_req, _res, _state, next) => next(),
      (_req, res, _state, refused) => sendJson(res, refused.status, refused.body),
    );
    admin.use(function adminBody(req: Request, res: Response, next: NextFunction) {
      req.state = new RequestState(typeof req.id === 'string' ? req.id : '', req.ip ?? 'unknown', info);
      body(req, res, next);
    });
    admin.get('/status', (_req, res) => void res.json(statusOf(rt)));
    admin.post('/emergency', async (req, res) => {
      const { level, reason } = req.body as { level?: unknown; reason?: unknown };
      if (typeof level !== 'string' || !LEVELS.has(level as EmergencyLevel))
        return sendError(res, 400, 'level must be off, secure or all');
      if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500))
        return sendError(res, 400, 'reason must be a string of at most 500 characters');
      const from = rt.state.emergency.level();
      const shared = await sharedWrite(rt.state.emergency.setLevel(level as EmergencyLevel));
      rt.audit.event('emergency_mode_changed', auditContext(req), {
        from,
        to: level,
        reason,
        via: 'admin',
        shared,
      });
      res.status(shared ? 200 : 202).json(statusOf(rt, shared));
    });
    admin.post('/functions/:name', async (req, res) => {
      const name = req.params.name ?? '';
      if (!rt.tools.has(name)) return sendError(res, 404, 'unknown function');
      const { enabled } = req.body as { enabled?: unknown };
      if (typeof enabled !== 'boolean') return sendError(res, 400, 'enabled must be true or false');
      const shared = await sharedWrite(rt.state.emergency.setFunctionEnabled(name, enabled));
      rt.audit.event('emergency_mode_changed', auditContext(req), {
        function: name,
        enabled,
        via: 'admin',
        shared,
      });
      res.status(shared ? 200 : 202).json(statusOf(rt, shared));
    });
    app.use('/admin', admin);
  }

  app.use((_req: Request, res: Response) => sendError(res, 404));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // A client mistake Express flags itself (a bad %-escape in a parameter, say) is the client's 4xx, not
    // a bug: no error line, no stack, no exception text.
    const status = clientErrorStatus(err);
    if (status !== undefined) return sendError(res, status);
    rt.logger.error({ err }, 'internal port error');
    sendError(res, 500);
  });
  return app;
}
