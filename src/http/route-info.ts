// A route's template and its request-duration series: label objects built once per method and status.
import type { Metrics } from '../observability/metrics.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type Labels = { method: string; route: string; status_code: string };

export interface RouteInfo {
  /** The route TEMPLATE (`/swaig`, `{route}post_prompt`): a bounded metric label, never the raw path. */
  readonly template: string;
  /** Records one answered request in `swml_http_request_duration_seconds`. */
  observe(method: string, status: number, seconds: number): void;
}

/**
 * Why cached label objects: the histogram is observed on every request, and building (then validating
 * and hashing) a fresh `{method, route, status_code}` object each time was measurable. The set is bounded
 * (seven methods plus OTHER, the statuses we answer), so the cache is too.
 */
export function routeInfo(template: string, metrics: Metrics): RouteInfo {
  const byMethod = new Map<string, Map<number, Labels>>();
  return {
    template,
    observe(method, status, seconds) {
      const m = METHODS.has(method) ? method : 'OTHER';
      let statuses = byMethod.get(m);
      if (statuses === undefined) byMethod.set(m, (statuses = new Map<number, Labels>()));
      let labels = statuses.get(status);
      if (labels === undefined) {
        labels = { method: m, route: template, status_code: String(status) };
        statuses.set(status, labels);
      }
      metrics.httpDuration.observe(labels, seconds);
    },
  };
}
