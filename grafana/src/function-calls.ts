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
import { FN, latencyAndToolPanels } from './function-latency.js';
import { baseDashboard, withItems } from './layout.js';
import { PROMETHEUS, statPanel, timeseriesPanel } from './panels.js';

export const FUNCTION_CALLS_UID = 'swml-function-calls';

export function functionCalls(): Dashboard {
  const dashboard = baseDashboard(
    FUNCTION_CALLS_UID,
    'swml-guard / Function calls',
    'What the AI is doing with each tool: how often, with what outcome, and how long the caller waits. Chosen for low traffic: counts over the time range, rates per minute over at least 2 minutes.',
  ).withVariable(
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
  );
  return withItems(dashboard, [
    new RowBuilder('Volume and outcome'),
    statPanel({
      title: 'Tool calls (time range)',
      description: 'SWAIG function calls of the selected tools over the dashboard time range, every outcome.',
      unit: units.Short,
      queries: [{ expr: `sum(increase(swml_function_calls_total{${FN}}[$__range]))`, legend: 'calls' }],
    }),

    statPanel({
      title: 'Handler failures (time range)',
      description:
        'Calls whose handler threw or timed out over the time range: the caller heard "that action could not be completed" (HighErrorRate).',
      unit: units.Short,
      redFrom: 1,
      queries: [
        {
          expr: `sum(increase(swml_function_calls_total{${FN}, outcome=~"error|timeout"}[$__range])) or vector(0)`,
          legend: 'failures',
        },
      ],
    }),

    statPanel({
      title: 'Refused calls (time range)',
      description:
        'Calls refused before the handler ran over the time range: denied (token), invalid_args, rate_limited, emergency_blocked.',
      unit: units.Short,
      queries: [
        {
          expr: `sum(increase(swml_function_calls_total{${FN}, outcome=~"denied|invalid_args|rate_limited|emergency_blocked"}[$__range])) or vector(0)`,
          legend: 'refused',
        },
      ],
    }),

    statPanel({
      title: 'Calls over 1 s (last 5 minutes)',
      description:
        'Tool calls that took more than 1 s in the last 5 minutes: SlowFunctions needs at least 3 of them (and a p99 over 1 s) for 5 minutes.',
      unit: units.Short,
      redFrom: 3,
      queries: [
        {
          expr: `sum(function:swml_function_slow_calls:increase5m{${FN}}) or vector(0)`,
          legend: 'slow calls',
        },
      ],
    }),

    timeseriesPanel({
      title: 'Tool calls per minute by tool',
      description:
        'SWAIG function calls per minute for each tool, whatever the outcome. A tool far above its usual rate is scripted abuse (HighFunctionCallRate fires above 60 a minute for 5 minutes).',
      unit: units.CountsPerMinute,
      queries: [
        {
          expr: `sum by (function) (rate(swml_function_calls_total{${FN}}[$__rate_interval])) * 60`,
          legend: '{{function}}',
        },
      ],
    }),

    timeseriesPanel({
      title: 'Tool calls per minute by outcome',
      description:
        'Calls per minute by outcome: ok, error / timeout (handler failed), denied (bad token), invalid_args (schema refused the arguments), rate_limited (per-caller limit), emergency_blocked.',
      unit: units.CountsPerMinute,
      queries: [
        {
          expr: `sum by (outcome) (rate(swml_function_calls_total{${FN}}[$__rate_interval])) * 60`,
          legend: '{{outcome}}',
        },
      ],
    }),

    timeseriesPanel({
      title: 'Refused or failed calls per minute by tool',
      description:
        'Calls per minute that did not succeed, by tool and outcome. invalid_args now and then is the AI re-asking the caller; denied on a secure tool is a token problem (see the security overview).',
      unit: units.CountsPerMinute,
      queries: [
        {
          expr: `sum by (function, outcome) (rate(swml_function_calls_total{${FN}, outcome!="ok"}[$__rate_interval])) * 60`,
          legend: '{{function}} / {{outcome}}',
        },
      ],
    }),

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

    ...latencyAndToolPanels(),
  ]).build();
}
