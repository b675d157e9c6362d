// Traffic and health dashboard, continued: calls started against their baselines, and the Node.js process.
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { Item } from './layout.js';
import { statPanel, timeseriesPanel } from './panels.js';

export function callPanels(): Item[] {
  return [
    new RowBuilder('Calls'),
    statPanel({
      title: 'Calls started (last hour)',
      description:
        'SWML documents served in the last hour, one per call, every outcome. 0 for an hour during business hours fires NoCallsDuringBusinessHours.',
      unit: units.Short,
      queries: [{ expr: 'sum(increase(swml_calls_started_total[1h]))', legend: 'calls' }],
    }),
    statPanel({
      title: 'Calls started (last 24 hours)',
      description:
        'SWML documents served in the last 24 hours: the baseline UnusualCallVolume compares against.',
      unit: units.Short,
      queries: [{ expr: 'sum(increase(swml_calls_started_total[1d]))', legend: 'calls' }],
    }),
    statPanel({
      title: 'Calls refused by limits (last 24 hours)',
      description:
        'Calls the toll-fraud limits refused in the last 24 hours (per caller number per hour, or all callers per minute): CallLimitHits.',
      unit: units.Short,
      redFrom: 1,
      queries: [
        { expr: 'sum(increase(swml_calls_started_total{outcome="limited"}[1d]))', legend: 'limited' },
      ],
    }),
    statPanel({
      title: 'Calls refused by emergency mode (last 24 hours)',
      description: 'Calls answered "temporarily unavailable" because emergency mode "all" was on.',
      unit: units.Short,
      redFrom: 1,
      queries: [
        { expr: 'sum(increase(swml_calls_started_total{outcome="emergency"}[1d]))', legend: 'emergency' },
      ],
    }),
    timeseriesPanel({
      title: 'Calls started per minute by outcome',
      description:
        'SWML documents served per minute (one per call): ok starts an AI session, limited hit a toll-fraud call limit (CallLimitHits), emergency was refused by emergency mode "all".',
      unit: units.CountsPerMinute,
      queries: [
        {
          expr: 'sum by (outcome) (rate(swml_calls_started_total[$__rate_interval])) * 60',
          legend: '{{outcome}}',
        },
      ],
    }),
    timeseriesPanel({
      title: 'Call volume against its baseline',
      description:
        'Calls per minute over the last 5 minutes and the last hour, against the one-day average. UnusualCallVolume fires when the 5-minute line is above 3x the average and 12/min, or the 1-hour line above 3x the average and 3/min.',
      unit: units.CountsPerMinute,
      queries: [
        { expr: 'sum(job:swml_calls_started:rate5m) * 60', legend: 'last 5 minutes' },
        { expr: 'sum(job:swml_calls_started:rate1h) * 60', legend: 'last hour' },
        { expr: 'sum(job:swml_calls_started:rate1d) * 60', legend: 'one-day average' },
      ],
    }),
  ];
}

export function processPanels(): Item[] {
  return [
    new RowBuilder('Process'),
    timeseriesPanel({
      title: 'CPU per replica',
      description:
        'CPU used by each agent process (1 = one full core). Sustained near 1 means the replica is saturated: scale out.',
      unit: units.PercentUnit,
      queries: [{ expr: 'rate(swml_process_cpu_seconds_total[$__rate_interval])', legend: '{{instance}}' }],
    }),
    timeseriesPanel({
      title: 'Resident memory per replica',
      description: 'Resident memory of each agent process. A line that only grows is a leak.',
      unit: units.BytesIEC,
      queries: [{ expr: 'swml_process_resident_memory_bytes', legend: '{{instance}}' }],
    }),
    timeseriesPanel({
      title: 'Event-loop lag p99 per replica',
      description:
        'How late the Node.js event loop runs its work (99th percentile). Above ~100 ms every request on that replica waits: look for a blocking handler or CPU saturation.',
      unit: units.Seconds,
      queries: [{ expr: 'swml_nodejs_eventloop_lag_p99_seconds', legend: '{{instance}}' }],
    }),
    timeseriesPanel({
      title: 'Heap used per replica',
      description:
        'V8 heap in use by each agent process. It rises with traffic and drops after garbage collection; a floor that keeps rising is a leak.',
      unit: units.BytesIEC,
      queries: [{ expr: 'swml_nodejs_heap_size_used_bytes', legend: '{{instance}}' }],
    }),
  ];
}
