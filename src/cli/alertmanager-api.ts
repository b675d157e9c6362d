// What `alert-test` reads from Alertmanager: its receivers' integrations (API v2 status) and its notification counters.
import { send, type HttpResponse } from './http-client.js';
import { CliError, tryJson } from './output.js';

/** Per integration (slack, pagerduty, email, webhook...): notification attempts and failures so far. */
export type Counters = Map<string, { sent: number; failed: number }>;

/**
 * Receiver name -> its integration types, from the configuration Alertmanager reports (`config.original`:
 * its own re-marshalled YAML, so the layout is fixed: `receivers:` then `- name: x` and `  <kind>_configs:`).
 */
export function receiverIntegrations(original: string): Map<string, string[]> {
  const receivers = new Map<string, string[]>();
  let current: string[] | undefined;
  let inside = false;
  for (const line of original.split('\n')) {
    if (/^[A-Za-z_]/.test(line)) {
      inside = line === 'receivers:';
      current = undefined;
      continue;
    }
    if (!inside) continue;
    const name = /^- name: ["']?([^"']+)["']?$/.exec(line)?.[1];
    if (name !== undefined) receivers.set(name, (current = []));
    const kind = /^ {2}(\w+)_configs:/.exec(line)?.[1];
    if (kind !== undefined) current?.push(kind);
  }
  return receivers;
}

/**
 * Sums the exposition's notification counters per integration. Alertmanager 0.25+ counts every HTTP attempt
 * (`alertmanager_notification_requests_total` / `_failed_total`); older ones only final outcomes.
 */
export function notificationCounters(exposition: string): Counters {
  const perRequest = exposition.includes('alertmanager_notification_requests_total{');
  const [sent, failed] = perRequest
    ? ['alertmanager_notification_requests_total', 'alertmanager_notification_requests_failed_total']
    : ['alertmanager_notifications_total', 'alertmanager_notifications_failed_total'];
  const counters: Counters = new Map();
  for (const line of exposition.split('\n')) {
    const [, name, labels = '', value] = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line) ?? [];
    if (name !== sent && name !== failed) continue;
    const integration = /(?:^|,)integration="([^"]+)"/.exec(labels)?.[1];
    if (integration === undefined) continue;
    const entry = counters.get(integration) ?? { sent: 0, failed: 0 };
    entry[name === sent ? 'sent' : 'failed'] += Number(value);
    counters.set(integration, entry);
  }
  return counters;
}

export type Result = 'accepted' | 'refused' | 'no attempt';
export interface Outcome {
  integration: string;
  result: Result;
  sent: number;
  failed: number;
}

/** What the counters say about one integration since `before`. */
export function outcome(integration: string, before: Counters, now: Counters): Outcome {
  const b = before.get(integration) ?? { sent: 0, failed: 0 };
  const n = now.get(integration) ?? { sent: 0, failed: 0 };
  const sent = n.sent - b.sent;
  const failed = n.failed - b.failed;
  const result: Result = sent > failed ? 'accepted' : failed > 0 ? 'refused' : 'no attempt';
  return { integration, result, sent, failed };
}

/** One Alertmanager request; unreachable or non-2xx becomes a CliError that says how to reach it. */
export async function amRequest(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    res = await send(method, `${base}${path}`, {
      timeoutMs: 10_000,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    throw new CliError(`Alertmanager at ${base} is unreachable: ${err.message}`, {
      fix: 'pass --alertmanager-url (in compose: docker compose exec agent node bin/swml-guard.js alert-test --alertmanager-url http://alertmanager:9093)',
    });
  }
  if (res.status < 200 || res.status > 299) {
    throw new CliError(`${method} ${base}${path} answered ${res.status}: ${res.body.trim().slice(0, 200)}`, {
      fix: 'is --alertmanager-url an Alertmanager (API v2)?',
    });
  }
  return res;
}

export async function amJson<T>(base: string, path: string): Promise<T> {
  const value = tryJson((await amRequest(base, 'GET', path)).body);
  if (value === undefined) throw new CliError(`GET ${base}${path} did not answer JSON`);
  return value as T;
}
