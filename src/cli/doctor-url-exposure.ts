// The exposure checks of `doctor --url`: what answers without credentials, and what the responses reveal.
import type { IncomingHttpHeaders } from 'node:http';
import { fail, pass, warn, type Check } from './doctor-model.js';
import type { Probe } from './doctor-url-checks.js';

export function authCheck(id: string, what: string, probe: Probe): Check {
  if (!probe.ok)
    return fail(id, `${what} did not answer: ${probe.error}`, 'check the URL and that the agent runs');
  if (probe.status === 401) return pass(id, `${what} without credentials answers 401`);
  if (probe.status >= 200 && probe.status < 300)
    return fail(
      id,
      `${what} answers ${probe.status} without credentials`,
      'put the agent (swml-guard serve, Basic Auth on) behind the proxy, not another app',
    );
  return warn(
    id,
    `${what} without credentials answers ${probe.status}, not 401`,
    "check that --url is the agent's SWML URL (its route)",
  );
}

/** /metrics and /admin must not exist on the public side; a 401 on /admin means the internal port is proxied. */
export function hiddenCheck(id: string, path: string, probe: Probe): Check {
  if (!probe.ok) return pass(id, `${path} does not answer from outside (${probe.error})`);
  if (probe.status === 404 || probe.status === 403)
    return pass(id, `${path} answers ${probe.status} from outside`);
  return fail(
    id,
    `${path} answers ${probe.status} from outside: the internal port is exposed`,
    'never proxy or publish the internal port (9464); Caddy answers 404 for /metrics and /admin',
  );
}

export function internalPortCheck(address: string, reachable: true | string): Check {
  if (reachable === true)
    return fail(
      'internal_port',
      `${address} accepts connections from here: /metrics and /admin are exposed`,
      'bind METRICS_HOST to 127.0.0.1 or a private network, and never publish the port',
    );
  return pass('internal_port', `${address} is not reachable from here (${reachable})`);
}

const EXPECTED: [string, (v: string) => boolean, string][] = [
  ['x-content-type-options', (v) => v.toLowerCase() === 'nosniff', 'X-Content-Type-Options: nosniff'],
  ['referrer-policy', (v) => v.length > 0, 'Referrer-Policy'],
  [
    'content-security-policy',
    (v) => /frame-ancestors 'none'|default-src 'none'/.test(v),
    "Content-Security-Policy (default-src 'none')",
  ],
];

export function headersCheck(headers: IncomingHttpHeaders): Check {
  const missing = EXPECTED.filter(([name, ok]) => {
    const v = headers[name];
    return typeof v !== 'string' || !ok(v);
  }).map(([, , label]) => label);
  const leaks = ['x-powered-by', 'server'].filter((h) => {
    const v = headers[h];
    return typeof v === 'string' && /\d/.test(v);
  });
  if (missing.length === 0 && leaks.length === 0)
    return pass(
      'security_headers',
      'nosniff, Referrer-Policy and a locked-down CSP are set; no version banner',
    );
  const parts = [
    ...(missing.length ? [`missing ${missing.join(', ')}`] : []),
    ...leaks.map((h) => `${h} reveals a version`),
  ];
  return warn(
    'security_headers',
    parts.join('; '),
    'serve the agent (it sets them) through Caddy, or add them at your proxy',
  );
}
