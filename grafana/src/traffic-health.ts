// Traffic and health dashboard: is the agent up, and is it answering SignalWire (probes left out)?
/* eslint-disable @typescript-eslint/no-deprecated -- the classic dashboard model (schemaVersion 4x) is what Grafana's
   file provisioning loads; the SDK marks it deprecated in favour of the v2 schema, which needs Grafana 12 feature flags. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { availabilityPanels } from './traffic-availability.js';
import { baseDashboard, withItems, type Item } from './layout.js';
import { NO_PROBES, statPanel, timeseriesPanel } from './panels.js';
import { callPanels, processPanels } from './traffic-calls.js';

export const TRAFFIC_HEALTH_UID = 'swml-traffic-health';

const REQUESTS = 'swml_http_request_duration_seconds_count';

function httpPanels(): Item[] {
  return [
    new RowBuilder('HTTP (health probes left out)'),
    statPanel({
      title: 'Webhook requests (last hour)',
      description:
        "Requests SignalWire (or anyone) sent to the agent's webhooks in the last hour, health and readiness probes left out. 0 during business hours: check NoCallsDuringBusinessHours.",
      unit: units.Short,
      queries: [{ expr: `sum(increase(${REQUESTS}{${NO_PROBES}}[1h]))`, legend: 'requests' }],
    }),
    statPanel({
      title: '5xx answers (last hour)',
      description:
        'Webhook requests the agent answered with a server error in the last hour (probes left out). Any is worth a look in the application log; HighErrorRate fires above 5% with at least 3 in 5 minutes.',
      unit: units.Short,
      redFrom: 1,
      queries: [
        {
          expr: `sum(increase(${REQUESTS}{${NO_PROBES}, status_code=~"5.."}[1h])) or vector(0)`,
          legend: '5xx',
        },
      ],
    }),
    statPanel({
      title: 'Failed health probes (last hour)',
      description:
        'Health and readiness probes not answered 2xx in the last hour: /ready answers 503 while a replica starts or drains for a restart; anything else deserves a look.',
      unit: units.Short,
      redFrom: 1,
      queries: [
        {
          expr: 'sum(increase(swml_http_request_duration_seconds_count{route=~"/health|/ready", status_code!~"2.."}[1h])) or vector(0)',
          legend: 'failed probes',
        },
      ],
    }),
    statPanel({
      title: 'Webhook latency p99 (last hour)',
      description:
        '99th percentile time to answer a webhook over the last hour, probes left out. SignalWire waits on it during a live call; tool time is included for swaig.',
      unit: units.Seconds,
      queries: [
        {
          expr: `histogram_quantile(0.99, sum by (le) (increase(swml_http_request_duration_seconds_bucket{${NO_PROBES}}[1h])))`,
          legend: 'p99',
        },
      ],
    }),
    timeseriesPanel({
      title: 'Webhook requests per minute by route',
      description:
        'Requests per minute on the agent port, by route template (SWML, swaig, post_prompt; `unmatched` is unknown paths, scanners). Health and readiness probes are in their own panel below.',
      unit: units.RequestsPerMinute,
      queries: [
        {
          expr: `sum by (route) (rate(${REQUESTS}{${NO_PROBES}}[$__rate_interval])) * 60`,
          legend: '{{route}}',
        },
      ],
    }),
    timeseriesPanel({
      title: 'Responses per minute by status code',
      description:
        'Webhook responses per minute by HTTP status, probes left out. 401/403 are refused credentials or tokens, 429 rate limits, 5xx server faults (HighErrorRate).',
      unit: units.RequestsPerMinute,
      queries: [
        {
          expr: `sum by (status_code) (rate(${REQUESTS}{${NO_PROBES}}[$__rate_interval])) * 60`,
          legend: '{{status_code}}',
        },
      ],
    }),
    timeseriesPanel({
      title: 'Webhook latency p99 by route',
      description:
        '99th percentile time to answer a webhook, by route, probes left out. Gaps mean no request in that interval.',
      unit: units.Seconds,
      queries: [
        {
          expr: `histogram_quantile(0.99, sum by (route, le) (rate(swml_http_request_duration_seconds_bucket{${NO_PROBES}}[$__rate_interval])))`,
          legend: '{{route}}',
        },
      ],
    }),
    timeseriesPanel({
      title: 'Share of 5xx answers',
      description:
        'Share of webhook requests answered with a 5xx status over 5 minutes, probes and unknown paths left out (what HighErrorRate watches). Should be 0.',
      unit: units.PercentUnit,
      queries: [{ expr: 'job:swml_http_5xx:ratio_rate5m', legend: '5xx share' }],
    }).max(1),
    timeseriesPanel({
      title: 'Health and readiness probes per minute',
      description:
        "Caddy's active health checks (/ready) and Docker's healthcheck (/health) per minute, by status. 503 on /ready: a replica starting or draining.",
      unit: units.RequestsPerMinute,
      width: 24,
      height: 6,
      queries: [
        {
          expr: `sum by (route, status_code) (rate(${REQUESTS}{route=~"/health|/ready"}[$__rate_interval])) * 60`,
          legend: '{{route}} {{status_code}}',
        },
      ],
    }),
  ];
}

export function trafficHealth(): Dashboard {
  const dashboard = baseDashboard(
    TRAFFIC_HEALTH_UID,
    'swml-guard / Traffic and health',
    'Is the agent up and answering SignalWire quickly? Webhook traffic (health probes left out), status codes, latency, calls started, and the Node.js process. Chosen for low traffic: counts over the last hour or day, rates per minute over at least 2 minutes.',
  );
  return withItems(dashboard, [
    ...availabilityPanels(),
    ...httpPanels(),
    ...callPanels(),
    ...processPanels(),
  ]).build();
}
