// Dashboard-level building blocks: shared settings, links, value mappings, and rows + panels in order.
/* eslint-disable @typescript-eslint/no-deprecated -- the classic dashboard model (schemaVersion 4x) is what Grafana's
   file provisioning loads; the SDK marks it deprecated in favour of the v2 schema, which needs Grafana 12 feature flags. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Tag shared by every swml-guard dashboard (the dashboards link to each other through it). */
export const TAG = 'swml-guard';

/** A 0/1 gauge shown as off/ON. */
export const ON_OFF: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: { '0': { text: 'off', color: 'green', index: 0 }, '1': { text: 'ON', color: 'red', index: 1 } },
  },
];

/** A 0/1 health gauge shown as DOWN/up. */
export const UP_DOWN: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: { '0': { text: 'DOWN', color: 'red', index: 0 }, '1': { text: 'up', color: 'green', index: 1 } },
  },
];

/** What a dashboard is made of, in order: row headers and panels. */
export type Item = cog.Builder<dashboard.RowPanel> | cog.Builder<dashboard.Panel>;

/** Adds rows and panels in order (a RowBuilder starts a row). */
export function withItems(builder: dashboard.DashboardBuilder, items: Item[]): dashboard.DashboardBuilder {
  for (const item of items) {
    if (item instanceof dashboard.RowBuilder) builder.withRow(item);
    else builder.withPanel(item);
  }
  return builder;
}

/** Links every swml-guard dashboard to the others. */
export function dashboardLinks(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder('swml-guard dashboards')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags([TAG])
    .asDropdown(true)
    .includeVars(false)
    .keepTime(true);
}

/** Settings every swml-guard dashboard shares. */
export function baseDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return (
    new dashboard.DashboardBuilder(title)
      .uid(uid)
      .description(description)
      .tags([TAG])
      .readonly()
      .timezone('browser')
      // Six hours: at a few calls a minute, the last hour alone is mostly empty.
      .time({ from: 'now-6h', to: 'now' })
      .refresh('30s')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .link(dashboardLinks())
  );
}
