// createApp(): the Express 5 app with every layer wired in, in the order SPEC 6.1 fixes. Never listens.
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { AgentBase } from '../agent/agent-base.js';
import { accessLog } from '../observability/access-log.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { basicAuthChecker, WWW_AUTHENTICATE, type BasicAuthFailure } from '../security/basic-auth.js';
import { securityHeaders } from '../security/headers.js';
import { authFailureGuard, ipRateLimit, type LimiterHooks } from '../security/rate-limit.js';
import { signatureVerifier } from '../security/signature.js';
import { postPromptHandler } from '../swaig/post-prompt.js';
import { swaigHandler } from '../swaig/dispatch.js';
import { baseUrlResolver } from '../swml/base-url.js';
import { swmlHandler } from '../swml/handler.js';
import { sipHandler } from '../swml/sip-route.js';
import { jsonBody } from './body.js';
import { auditContext } from './context.js';
import { clientErrorStatus, sendError } from './errors.js';
import { internalApp } from './internal.js';

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
export type AppOptions = RuntimeOptions;

const HEALTH = JSON.stringify({ status: 'ok' });
const READY = JSON.stringify({ status: 'ready' });

/**
 * The route's first layer: the route template for metrics, 405 for other methods, and 503 while
 * `blocked()` says audit lines cannot be written (no new work starts; docs/security.md "Backpressure").
 */
function only(methods: string[], route: string, blocked?: () => boolean): RequestHandler {
  const allow = methods.join(', ');
  return function methodGuard(req, res, next) {
    res.locals.route = route;
    if (!methods.includes(req.method)) {
      res.setHeader('Allow', allow);
      return sendError(res, 405);
    }
    if (blocked === undefined || !blocked()) return next();
    res.setHeader('Retry-After', '5');
    sendError(res, 503);
  };
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
  const { config, metrics, audit } = rt;
  const app = express() as GuardApp;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy > 0 ? config.trustProxy : false);

  const hooks: LimiterHooks = {
    logger: rt.logger,
    reportOutage: rt.reportOutage,
    onLimited(req, limiter) {
      metrics.rateLimited.inc({ limiter });
      audit.security('rate_limited', auditContext(req), { limiter });
    },
  };
  const ipLimit = ipRateLimit({ limit: config.limits.ip, store: rt.state.limiterStore('ip:'), hooks });
  const authGuard = authFailureGuard({
    limit: config.limits.authFailures,
    store: rt.state.limiterStore('authfail:'),
    hooks,
  });
  const checkAuth = basicAuthChecker({
    user: config.basicAuth.user,
    password: config.basicAuth.password,
    previousPassword: config.basicAuth.previousPassword,
  });
  const baseUrl = baseUrlResolver(config);

  function basicAuth(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    const failure = checkAuth(req);
    if (failure === undefined) return next();
    return refuseAuth(req, res, failure);
  }
  async function refuseAuth(req: Request, res: Response, failure: BasicAuthFailure): Promise<void> {
    metrics.authFailures.inc({ layer: 'basic', reason: failure });
    audit.security('auth_failure', auditContext(req), {
      layer: 'basic',
      reason: failure,
      route: res.locals.route,
    });
    // This failure's own count decides: past the limit it is already the 429 (see authFailureGuard).
    if (await authGuard.countFailure(req, res)) return;
    res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    sendError(res, 401);
  }

  const verify = config.signingKey ? signatureVerifier(config.signingKey) : undefined;
  // The signed URL comes from settings only (SWML_PROXY_URL_BASE, else direct TLS's SWML_DOMAIN and the
  // port the socket was accepted on), never from Host/X-Forwarded-* (loadConfig requires one of them).
  const signedBase = (req: Request): string => {
    if (config.proxyUrlBase) return config.proxyUrlBase;
    const port = req.socket.localPort ?? config.port;
    return `https://${config.domain ?? 'localhost'}${port === 443 ? '' : `:${port}`}`;
  };
  // Every request that reaches a body reader is signed when signing is on: the SWML fetch (GET with an
  // empty body, or POST), tools and post_prompt. A GET mints function tokens too, so with the signing key
  // set the Basic Auth password alone no longer gets a token for any call.
  function signature(req: Request, res: Response, raw: Buffer): boolean {
    if (verify === undefined) return true;
    const header = req.headers['x-signalwire-signature'];
    const failure = verify(
      `${signedBase(req)}${req.originalUrl}`,
      raw,
      typeof header === 'string' ? header : undefined,
    );
    if (failure === undefined) return true;
    metrics.authFailures.inc({ layer: 'signature', reason: failure });
    audit.security('signature_rejected', auditContext(req), { reason: failure, route: res.locals.route });
    sendError(res, 403);
    return false;
  }

  // Signatures are checked on the raw bytes, before parsing (Basic Auth -> signature -> envelope).
  const body = jsonBody({ limit: config.maxRequestSize, verify: signature });
  // The end-of-call summary carries the whole conversation: post_prompt alone gets the larger limit.
  const summaryBody = jsonBody({ limit: config.maxPostPromptSize, verify: signature });
  const guarded = (
    methods: string[],
    route: string,
    handler: RequestHandler,
    parse: RequestHandler = body,
  ): RequestHandler[] => [
    only(methods, route, () => rt.auditBlocked()),
    ipLimit,
    (req, res, next) => authGuard.gate(req, res, next),
    basicAuth,
    parse,
    handler,
  ];

  app.use(accessLog(rt.accessLogger, metrics, rt.accessRefusals));
  app.use(securityHeaders({ trustProxy: config.trustProxy }));
  app.use(function drainingHeader(_req, res, next) {
    if (app.guard.draining) res.setHeader('Connection', 'close');
    next();
  });
  app.all('/health', only(['GET', 'HEAD'], '/health'), (_req, res) => {
    res.status(200).type('application/json').end(HEALTH);
  });
  app.all('/ready', only(['GET', 'HEAD'], '/ready'), (_req, res) => {
    if (app.guard.ready && !app.guard.draining && !rt.auditBlocked())
      return void res.status(200).type('application/json').end(READY);
    sendError(res, 503);
  });

  const route = agent.route;
  const router = express.Router({ strict: false });
  const serveSwml = swmlHandler(rt, baseUrl);
  router.all('/', ...guarded(['GET', 'POST'], route, serveSwml));
  const sip = agent.sipRouting?.path;
  if (sip !== undefined)
    router.all(`/${sip}`, ...guarded(['POST'], `${route}${sip}`, sipHandler(rt, serveSwml)));
  router.all('/swaig', ...guarded(['POST'], `${route}swaig`, swaigHandler(rt)));
  router.all('/post_prompt', ...guarded(['POST'], `${route}post_prompt`, postPromptHandler(rt), summaryBody));
  app.use(route, router);

  app.use((_req: Request, res: Response) => {
    sendError(res, 404);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = clientErrorStatus(err);
    if (status !== undefined) return sendError(res, status);
    rt.logger.error({ err, request_id: auditContext(req).request_id }, 'unhandled error');
    sendError(res, 500);
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
