// Function calls dashboard, continued: how long callers wait on each tool, and the tools themselves.

import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { Item } from './layout.js';
import { tablePanel, timeseriesPanel } from './panels.js';

/** Selector shared by every query: the tools picked in the dashboard's `function` variable. */
export const FN = 'function=~"$function"';

export function latencyAndToolPanels(): Item[] {
  return [
    new RowBuilder('Latency'),
    timeseriesPanel({
      title: 'Tool latency p99',
      description:
        '99th percentile handler duration per tool: the longest silences callers hear. Over 1 s is noticeable on a phone call (SlowFunctions). With a handful of calls it is their maximum; gaps mean no call.',
      unit: units.Seconds,
      queries: [
        {
          expr: `histogram_quantile(0.99, sum by (function, le) (rate(swml_function_duration_seconds_bucket{${FN}}[$__rate_interval])))`,
          legend: '{{function}}',
        },
      ],
    }),

    timeseriesPanel({
      title: 'Tool latency median',
      description:
        'Median handler duration per tool: the typical wait. Compare with p99 to tell a slow tool from a few slow calls.',
      unit: units.Seconds,
      queries: [
        {
          expr: `histogram_quantile(0.5, sum by (function, le) (rate(swml_function_duration_seconds_bucket{${FN}}[$__rate_interval])))`,
          legend: '{{function}}',
        },
      ],
    }),

    new RowBuilder('Tools'),
    tablePanel({
      title: 'Calls per tool and outcome in the time range',
      description: 'Number of calls for each tool and outcome over the dashboard time range.',
      unit: units.Short,
      noValue: 'No tool declared',
      keep: ['Value'],
      width: 12,
      height: 8,
      queries: [
        {
          expr: `sum by (function, outcome) (increase(swml_function_calls_total{${FN}}[$__range]))`,
        },
      ],
    }),

    tablePanel({
      title: 'Declared tools',
      description:
        'Tools the agent declares; secure=true tools need a per-call function token and count as sensitive for AfterHoursActivity. Disable one during an incident with POST /admin/functions/<name> {"enabled":false}.',
      unit: units.NoUnit,
      noValue: 'No agent scraped',
      width: 12,
      height: 8,
      queries: [{ expr: `max by (function, secure) (swml_function_info{${FN}})` }],
    }),
  ];
}
