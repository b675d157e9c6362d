// The agent port's routes, each one pipeline of units in the order SPEC 6.1 fixes, composed once at startup.
import type { Runtime } from '../runtime.js';
import { callLimits } from '../security/call-limit.js';
import { callerLimit } from '../security/caller-limit.js';
import { swmlEmergency, toolEmergency } from '../security/emergency.js';
import { swaigEnvelope } from '../security/envelope.js';
import { argumentSchema } from '../security/schema.js';
import { functionToken, type TokenUnitOptions } from '../security/token.js';
import { toolRunner, toolSubject } from '../swaig/dispatch.js';
import { functionCalls } from '../swaig/function-calls.js';
import { postPromptAction, postPromptHandler, postPromptSubject } from '../swaig/post-prompt.js';
import { swmlCall } from '../swml/call.js';
import { swmlHandler } from '../swml/handler.js';
import { sipUser } from '../swml/sip-route.js';
import { routeKey, type Route } from './front.js';
import { methodGuard } from './method-guard.js';
import { compose, type Handler, type Unit } from './pipeline.js';
import { publicBaseUrl } from './public-url.js';
import { refusalHook } from './refusal.js';
import type { Responder } from './respond.js';
import { routeInfo } from './route-info.js';
import { webhookUnits } from './webhook.js';

const HEALTH = JSON.stringify({ status: 'ok' });
const READY = JSON.stringify({ status: 'ready' });

/**
 * Builds every route of the agent port: `{route}` (SWML, GET and POST), `{route}<sip path>` when SIP
 * routing is on, `{route}swaig`, `{route}post_prompt`, and the probes. Each is the method guard, the
 * webhook units (webhook.ts), its own units, and its handler, composed into one pipeline.
 */
export function agentRoutes(
  rt: Runtime,
  respond: Responder,
  ready: () => boolean,
  extra: readonly Unit[] = [],
): Map<string, Route> {
  const { config, metrics, state: shared, reportOutage } = rt;
  const calls = functionCalls(rt.tools, metrics, rt.audit);
  const refuse = refusalHook(rt.audit, respond, calls);
  const publicBase = publicBaseUrl(config);
  const webhook = webhookUnits(rt, publicBase, extra);
  const token = (subject: TokenUnitOptions['subject']) =>
    functionToken({ ...rt, subject, counts: metrics.authFailureCounters('token') });
  const swml = [
    swmlCall(),
    swmlEmergency(shared.emergency, metrics.callsStarted.labels('emergency')),
    callLimits({
      globalLimit: config.limits.callRate,
      global: rt.globalCallCounter,
      callerLimit: config.limits.callerCall,
      perCaller: rt.callCounter,
      counts: {
        started: metrics.callsStarted.labels('limited'),
        global: metrics.rateLimited.labels('global'),
        call: metrics.rateLimited.labels('call'),
      },
      reportOutage,
    }),
  ];

  const routes = new Map<string, Route>();
  const add = (template: string, methods: string[], units: Unit[], handler: Handler) =>
    routes.set(routeKey(template), {
      info: routeInfo(template, metrics),
      pipeline: compose([methodGuard(methods), ...units], handler, refuse),
    });
  const base = rt.agent.route;
  const serveSwml = swmlHandler(rt, respond, publicBase);
  add(base, ['GET', 'POST'], [...webhook(config.maxRequestSize), ...swml], serveSwml);
  const sip = rt.agent.sipRouting;
  if (sip !== undefined) {
    const units = [...webhook(config.maxRequestSize), sipUser(sip.usernames), ...swml];
    add(`${base}${sip.path}`, ['POST'], units, serveSwml);
  }
  const tool = [
    swaigEnvelope(rt.tools),
    token(toolSubject),
    toolEmergency(shared.emergency),
    callerLimit({
      tools: rt.tools,
      defaultLimit: config.limits.callerFunction,
      counter: rt.callerCounter,
      limited: metrics.rateLimited.labels('caller'),
      reportOutage,
    }),
    argumentSchema(rt.validators),
  ];
  add(`${base}swaig`, ['POST'], [...webhook(config.maxRequestSize), ...tool], toolRunner(rt, respond, calls));
  // The end-of-call summary carries the whole conversation: post_prompt alone gets the larger limit.
  const ending = [postPromptAction(), token(postPromptSubject)];
  add(
    `${base}post_prompt`,
    ['POST'],
    [...webhook(config.maxPostPromptSize), ...ending],
    postPromptHandler(rt, respond),
  );
  add('/health', ['GET', 'HEAD'], [], (req, res, state) => respond.json(req, res, state, 200, HEALTH));
  add('/ready', ['GET', 'HEAD'], [], (req, res, state) =>
    ready() ? respond.json(req, res, state, 200, READY) : respond.error(req, res, state, 503),
  );
  return routes;
}
