// Traffic and health dashboard: requests, status codes, latency, calls started, and the agent process itself.
/* eslint-disable @typescript-eslint/no-deprecated -- the classic dashboard model (schemaVersion 4x) is what Grafana's
   file provisioning loads; the SDK marks it deprecated in favour of the v2 schema, which needs Grafana 12 feature flags. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { baseDashboard, statPanel, timeseriesPanel } from './panels.js';

export const TRAFFIC_HEALTH_UID = 'swml-traffic-health';

export function trafficHealth(): Dashboard {
  return baseDashboard(
    TRAFFIC_HEALTH_UID,
    'swml-guard / Traffic and health',
    'Is the agent up and answering SignalWire quickly? Request rates, status codes, latency, calls started, and the Node.js process.',
  )
    .withRow(new RowBuilder('Availability'))
    .withPanel(
      statPanel({
        title: 'Agents up',
        description:
          'Agent replicas Prometheus scraped successfully on their last attempt. 0 means no agent answers: calls fail (AgentDown).',
        unit: units.Short,
        greenFrom: 1,
        queries: [{ expr: 'sum(up{job="swml-agent"})', legend: 'up' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Agents discovered',
        description:
          'Agent replicas Prometheus found through DNS discovery of the compose service `agent`. Higher than "Agents up" means some replicas do not answer.',
        unit: units.Short,
        queries: [{ expr: 'count(up{job="swml-agent"})', legend: 'discovered' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Version',
        description:
          'swml-guard and Node.js versions the replicas run. More than one line during a rolling update only.',
        unit: units.NoUnit,
        showName: true,
        width: 12,
        queries: [
          {
            expr: 'count by (version, node_version) (swml_build_info)',
            legend: 'swml-guard {{version}} on Node {{node_version}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Scrape targets up',
        description:
          'Each scraped target (agent replicas, Prometheus, Alertmanager): 1 when the last scrape worked, 0 when it failed.',
        unit: units.NoUnit,
        width: 24,
        height: 6,
        queries: [{ expr: 'up{job=~"swml-agent|prometheus|alertmanager"}', legend: '{{job}} {{instance}}' }],
      }).max(1),
    )
    .withRow(new RowBuilder('HTTP'))
    .withPanel(
      timeseriesPanel({
        title: 'Requests per second by route',
        description:
          'Webhook requests per second on the agent port, by route template (SWML, swaig, post_prompt, health...).',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: 'sum by (route) (rate(swml_http_request_duration_seconds_count[$__rate_interval]))',
            legend: '{{route}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Responses by status code',
        description:
          'Responses per second by HTTP status. 401/403 are refused credentials or tokens, 429 rate limits, 5xx server faults (HighErrorRate fires above 5% 5xx).',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: 'sum by (status_code) (rate(swml_http_request_duration_seconds_count[$__rate_interval]))',
            legend: '{{status_code}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'HTTP latency p99 by route',
        description:
          '99th percentile time to answer a webhook, by route. SignalWire waits on these answers during a live call; tool time is included for swaig.',
        unit: units.Seconds,
        queries: [
          {
            expr: 'histogram_quantile(0.99, sum by (route, le) (rate(swml_http_request_duration_seconds_bucket[$__rate_interval])))',
            legend: '{{route}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Share of 5xx answers',
        description: 'Share of webhook requests answered with a 5xx status over 5 minutes. Should be 0.',
        unit: units.PercentUnit,
        queries: [{ expr: 'job:swml_http_5xx:ratio_rate5m', legend: '5xx share' }],
      }).max(1),
    )
    .withRow(new RowBuilder('Calls'))
    .withPanel(
      timeseriesPanel({
        title: 'Calls started by outcome',
        description:
          'SWML documents served per second (one per call): ok starts an AI session, limited hit a toll-fraud call limit (CallLimitHits), emergency was refused by emergency mode "all".',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: 'sum by (outcome) (rate(swml_calls_started_total[$__rate_interval]))',
            legend: '{{outcome}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Call volume against its baseline',
        description:
          'Calls started per second over the last 5 minutes against the one-day average. UnusualCallVolume fires when the first is above 3x the second and above 0.2/s.',
        unit: units.RequestsPerSecond,
        queries: [
          { expr: 'sum(job:swml_calls_started:rate5m)', legend: 'last 5 minutes' },
          { expr: 'sum(job:swml_calls_started:rate1d)', legend: 'one-day average' },
        ],
      }),
    )
    .withRow(new RowBuilder('Process'))
    .withPanel(
      timeseriesPanel({
        title: 'CPU per replica',
        description:
          'CPU used by each agent process (1 = one full core). Sustained near 1 means the replica is saturated: scale out.',
        unit: units.PercentUnit,
        queries: [{ expr: 'rate(swml_process_cpu_seconds_total[$__rate_interval])', legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Resident memory per replica',
        description: 'Resident memory of each agent process. A line that only grows is a leak.',
        unit: units.BytesIEC,
        queries: [{ expr: 'swml_process_resident_memory_bytes', legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Event-loop lag p99 per replica',
        description:
          'How late the Node.js event loop runs its work (99th percentile). Above ~100 ms every request on that replica waits: look for a blocking handler or CPU saturation.',
        unit: units.Seconds,
        queries: [{ expr: 'swml_nodejs_eventloop_lag_p99_seconds', legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Heap used per replica',
        description:
          'V8 heap in use by each agent process. It rises with traffic and drops after garbage collection; a floor that keeps rising is a leak.',
        unit: units.BytesIEC,
        queries: [{ expr: 'swml_nodejs_heap_size_used_bytes', legend: '{{instance}}' }],
      }),
    )
    .build();
}
