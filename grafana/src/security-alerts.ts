// Security overview, first rows: what is firing right now, and whether alerts reach anyone.

import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { ON_OFF, UP_DOWN, type Item } from './layout.js';
import { statPanel, tablePanel, timeseriesPanel } from './panels.js';

export function rightNowPanels(): Item[] {
  return [
    new RowBuilder('Right now'),
    statPanel({
      title: 'Alerts firing',
      description:
        'Number of swml-guard alerts firing now (the always-firing Watchdog heartbeat left out). Anything above 0: read the table below and open the runbook (docs/incident-response.md) of each alert.',
      unit: units.Short,
      redFrom: 1,
      queries: [
        {
          expr: 'count(ALERTS{alertstate="firing", alertname!="Watchdog"}) or vector(0)',
          legend: 'firing',
        },
      ],
    }),

    statPanel({
      title: 'Emergency mode',
      description:
        'ON when an emergency level is active: "secure" refuses every secure tool, "all" refuses every tool and answers new calls with "temporarily unavailable". Switch with POST /admin/emergency or `swml-guard emergency off`.',
      unit: units.NoUnit,
      redFrom: 1,
      mappings: ON_OFF,
      queries: [{ expr: 'max by (level) (swml_emergency_mode)', legend: '{{level}}' }],
    }),

    statPanel({
      title: 'Failed authentications (last hour)',
      description:
        'Requests refused by Basic Auth or by the SignalWire signature check in the last hour. SignalWire always authenticates correctly, so a steady count is someone probing the webhooks.',
      unit: units.Short,
      redFrom: 20,
      queries: [{ expr: 'sum(increase(swml_auth_failures_total{layer!="token"}[1h]))', legend: 'failures' }],
    }),

    statPanel({
      title: 'Token rejections (last hour)',
      description:
        'Secure tool calls refused because of a missing, forged, expired, replayed or cross-call function token in the last hour. These callers passed Basic Auth: any non-zero value deserves a look.',
      unit: units.Short,
      redFrom: 1,
      queries: [{ expr: 'sum(increase(swml_auth_failures_total{layer="token"}[1h]))', legend: 'rejections' }],
    }),

    new RowBuilder('Alerts'),
    tablePanel({
      title: 'Firing alerts',
      description:
        'Every alert Prometheus is firing now, with its labels (severity, tool, reason, level...), the Watchdog heartbeat left out. Each alert has a runbook section in docs/incident-response.md named after it.',
      unit: units.NoUnit,
      noValue: 'No alert is firing',
      hide: ['alertstate'],
      queries: [{ expr: 'ALERTS{alertstate="firing", alertname!="Watchdog"}' }],
    }),

    new RowBuilder('Alert delivery'),
    statPanel({
      title: 'Heartbeat (Watchdog)',
      description:
        "The always-firing Watchdog alert that Alertmanager sends to the dead man's switch (ALERT_HEARTBEAT_URL) every minute. DOWN: Prometheus is not evaluating rules, and the external service will alert you.",
      unit: units.NoUnit,
      greenFrom: 1,
      mappings: UP_DOWN,
      queries: [
        {
          expr: 'count(ALERTS{alertname="Watchdog", alertstate="firing"}) or vector(0)',
          legend: 'heartbeat',
        },
      ],
    }),

    statPanel({
      title: 'Failed notifications (last hour)',
      description:
        'Notifications Alertmanager gave up on in the last hour, after every retry: those alerts reached nobody (AlertmanagerNotificationsFailing). Check with `swml-guard alert-test`.',
      unit: units.Short,
      redFrom: 1,
      queries: [
        {
          expr: 'sum(increase(alertmanager_notifications_failed_total[1h])) or vector(0)',
          legend: 'failed',
        },
      ],
    }),

    timeseriesPanel({
      title: 'Notifications per hour by integration',
      description:
        'Notifications Alertmanager sent (and failed to send) per hour, by integration: pagerduty, slack, email, webhook (the heartbeat is a webhook, about 60 an hour).',
      unit: units.Short,
      queries: [
        {
          expr: 'sum by (integration) (increase(alertmanager_notifications_total[1h]))',
          legend: '{{integration}} sent',
        },
        {
          expr: 'sum by (integration) (increase(alertmanager_notifications_failed_total[1h]))',
          legend: '{{integration}} failed',
        },
      ],
    }),
  ];
}
