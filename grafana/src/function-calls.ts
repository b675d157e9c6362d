// Function calls dashboard: rate, outcome and latency of each SWAIG tool.
/* eslint-disable @typescript-eslint/no-deprecated -- the classic dashboard model (schemaVersion 4x) is what Grafana's
   file provisioning loads; the SDK marks it deprecated in favour of the v2 schema, which needs Grafana 12 feature flags. */
import {
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { PROMETHEUS, baseDashboard, tablePanel, timeseriesPanel } from './panels.js';

export const FUNCTION_CALLS_UID = 'swml-function-calls';

/** Selector shared by every query: the tools picked in the dashboard's `function` variable. */
const FN = 'function=~"$function"';

export function functionCalls(): Dashboard {
  return baseDashboard(
    FUNCTION_CALLS_UID,
    'swml-guard / Function calls',
    'What the AI is doing with each tool: how often, with what outcome, and how long the caller waits.',
  )
    .withVariable(
      new QueryVariableBuilder('function')
        .label('Tool')
        .description('SWAIG tools declared by the agent (swml_function_info).')
        .datasource(PROMETHEUS)
        .query('label_values(swml_function_info, function)')
        .definition('label_values(swml_function_info, function)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.+')
        .current({ text: 'All', value: '$__all' }),
    )
    .withRow(new RowBuilder('Volume and outcome'))
    .withPanel(
      timeseriesPanel({
        title: 'Tool calls by tool',
        description:
          'SWAIG function calls per second for each tool, whatever the outcome. A tool far above its usual rate is scripted abuse (HighFunctionCallRate fires above 1/s for 5 minutes).',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: `sum by (function) (rate(swml_function_calls_total{${FN}}[$__rate_interval]))`,
            legend: '{{function}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Tool calls by outcome',
        description:
          'Calls per second by outcome: ok, error / timeout (handler failed), denied (bad token), invalid_args (schema refused the arguments), rate_limited (per-caller limit), emergency_blocked.',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: `sum by (outcome) (rate(swml_function_calls_total{${FN}}[$__rate_interval]))`,
            legend: '{{outcome}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Refused or failed calls by tool',
        description:
          'Calls per second that did not succeed, by tool and outcome. invalid_args now and then is the AI re-asking the caller; denied on a secure tool is a token problem (see the security overview).',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: `sum by (function, outcome) (rate(swml_function_calls_total{${FN}, outcome!="ok"}[$__rate_interval]))`,
            legend: '{{function}} / {{outcome}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Handler failure ratio by tool',
        description:
          'Share of calls whose handler threw or timed out (the caller hears "that action could not be completed"). Empty line: no calls. HighErrorRate fires above 5%.',
        unit: units.PercentUnit,
        queries: [
          {
            expr: `sum by (function) (rate(swml_function_calls_total{${FN}, outcome=~"error|timeout"}[$__rate_interval])) / sum by (function) (rate(swml_function_calls_total{${FN}}[$__rate_interval]))`,
            legend: '{{function}}',
          },
        ],
      }).max(1),
    )
    .withRow(new RowBuilder('Latency'))
    .withPanel(
      timeseriesPanel({
        title: 'Tool latency p99',
        description:
          '99th percentile handler duration per tool: the longest silences callers hear. Over 1 s is noticeable on a phone call (SlowFunctions).',
        unit: units.Seconds,
        queries: [
          {
            expr: `histogram_quantile(0.99, sum by (function, le) (rate(swml_function_duration_seconds_bucket{${FN}}[$__rate_interval])))`,
            legend: '{{function}}',
          },
        ],
      }),
    )
    .withPanel(
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
    )
    .withRow(new RowBuilder('Tools'))
    .withPanel(
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
    )
    .withPanel(
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
    )
    .build();
}
