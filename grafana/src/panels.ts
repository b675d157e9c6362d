// Building blocks shared by the swml-guard dashboards: the datasource reference, queries and panel kinds.

import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Provisioned in grafana/provisioning/datasources/datasources.yml with this fixed uid. */
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: 'swml-prometheus' };

/**
 * Minimum step of every graph. At a few calls a minute a 15 s step (and the 1 m `$__rate_interval` it gives)
 * draws spikes and gaps; 2 m makes each point a rate over at least 2 m 15 s, a handful of events.
 */
export const LOW_TRAFFIC_INTERVAL = '2m';

/** Health and readiness probes (Caddy polls /ready every few seconds, Docker /health): not traffic. */
export const NO_PROBES = 'route!~"/health|/ready"';

export interface Query {
  /** PromQL; may use Grafana's $__rate_interval, $__range and the dashboard's variables. */
  expr: string;
  /** Series name shown in legends, e.g. `{{function}}`. */
  legend?: string;
}

export interface PanelSpec {
  title: string;
  /** Shown in the panel's (i) tooltip: what the on-call reader is looking at and what is normal. */
  description: string;
  /** A Grafana unit id (see @grafana/grafana-foundation-sdk/units). */
  unit: string;
  queries: Query[];
  width?: number;
  height?: number;
}

function targets(queries: Query[], instant: boolean): prometheus.DataqueryBuilder[] {
  return queries.map((q, i) => {
    const target = new prometheus.DataqueryBuilder()
      .datasource(PROMETHEUS)
      .refId(String.fromCharCode(65 + i))
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto');
    return instant ? target.instant().format(prometheus.PromQueryFormat.Table) : target.range();
  });
}

function layout(spec: PanelSpec, width: number, height: number): dashboard.GridPos {
  return { x: 0, y: 0, w: spec.width ?? width, h: spec.height ?? height };
}

/** A graph over time: rates, latencies, gauges. */
export function timeseriesPanel(spec: PanelSpec): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .min(0)
    .targets(targets(spec.queries, false))
    .interval(LOW_TRAFFIC_INTERVAL)
    .gridPos(layout(spec, 12, 8))
    .fillOpacity(10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
}

export interface StatSpec extends PanelSpec {
  /** Value at which the stat turns red (green below). */
  redFrom?: number;
  /** Value at which the stat turns green (red below), for "more is better" numbers. */
  greenFrom?: number;
  mappings?: dashboard.ValueMapping[];
  /** Show the series name (legend) instead of the value, e.g. a version string. */
  showName?: boolean;
}

/** One big number, coloured by threshold. */
export function statPanel(spec: StatSpec): stat.PanelBuilder {
  const steps: dashboard.Threshold[] =
    spec.greenFrom === undefined
      ? [{ value: null, color: 'green' }]
      : [
          { value: null, color: 'red' },
          { value: spec.greenFrom, color: 'green' },
        ];
  if (spec.redFrom !== undefined) steps.push({ value: spec.redFrom, color: 'red' });
  const panel = new stat.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .targets(targets(spec.queries, false))
    .gridPos(layout(spec, 6, 4))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(spec.showName ? common.BigValueTextMode.Name : common.BigValueTextMode.ValueAndName)
    .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps));
  return spec.mappings ? panel.mappings(spec.mappings) : panel;
}

export interface TableSpec extends PanelSpec {
  /** Text shown when the query returns nothing (e.g. "No alert is firing"). */
  noValue: string;
  /** Columns to hide (Time and Value are hidden unless listed in `keep`). */
  hide?: string[];
  keep?: string[];
}

/** An instant query shown as rows of labels: lists such as firing alerts or declared tools. */
export function tablePanel(spec: TableSpec): table.PanelBuilder {
  const keep = new Set(spec.keep ?? []);
  const hidden = Object.fromEntries(
    ['Time', 'Value', '__name__', ...(spec.hide ?? [])]
      .filter((name) => !keep.has(name))
      .map((name) => [name, true]),
  );
  return new table.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .noValue(spec.noValue)
    .targets(targets(spec.queries, true))
    .gridPos(layout(spec, 24, 6))
    .withTransformation({ id: 'organize', options: { excludeByName: hidden } });
}
