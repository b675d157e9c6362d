// What every webhook runs before its own units: the transport gates, the limiters, Basic Auth, the body steps.
import type { Request } from 'express';
import type { Runtime } from '../runtime.js';
import { authFailureGate } from '../security/auth-failure-gate.js';
import { basicAuth } from '../security/basic-auth.js';
import { ipLimit } from '../security/ip-limit.js';
import { signature } from '../security/signature.js';
import { auditGate } from './audit-gate.js';
import { readBody } from './body.js';
import { parseJson } from './json-body.js';
import type { Unit } from './pipeline.js';

/**
 * The order of SPEC 6.1 up to the body: 503 while audit lines cannot be written, then `extra` (an IP
 * allow-list, say: a new layer is one file under src/security/ and one line here), the per-IP limit, the
 * failed-auth gate, Basic Auth, then the body in three steps: read the raw bytes, verify SignalWire's
 * signature over them (when SIGNALWIRE_SIGNING_KEY is set), parse JSON. The units are built once and
 * shared by every webhook route; only the body reader differs, by its size limit.
 */
export function webhookUnits(
  rt: Runtime,
  publicBase: (req: Request) => string,
  extra: readonly Unit[],
): (bodyLimit: number) => Unit[] {
  const { config, metrics, state, reportOutage } = rt;
  const failures = authFailureGate({
    limit: config.limits.authFailures,
    store: state.limiterStore('authfail:'),
    limited: metrics.rateLimited.labels('auth'),
    reportOutage,
  });
  const gates: Unit[] = [
    auditGate(() => rt.auditBlocked()),
    ...extra,
    ipLimit({
      limit: config.limits.ip,
      store: state.limiterStore('ip:'),
      limited: metrics.rateLimited.labels('ip'),
      reportOutage,
    }),
    failures,
    basicAuth({ ...config.basicAuth, failures, counts: metrics.authFailureCounters('basic') }),
  ];
  const signed = config.signingKey
    ? [signature({ key: config.signingKey, publicBase, counts: metrics.authFailureCounters('signature') })]
    : [];
  return (bodyLimit) => [...gates, readBody({ limit: bodyLimit }), ...signed, parseJson()];
}
