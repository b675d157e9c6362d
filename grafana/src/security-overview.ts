// Security overview dashboard: authentication failures, token rejections, rate limiting, security events,
/* eslint-disable @typescript-eslint/no-deprecated -- the classic dashboard model (schemaVersion 4x) is what Grafana's
   file provisioning loads; the SDK marks it deprecated in favour of the v2 schema, which needs Grafana 12 feature flags. */
// emergency mode and the alerts firing right now.
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { ON_OFF, baseDashboard, statPanel, tablePanel, timeseriesPanel } from './panels.js';

export const SECURITY_OVERVIEW_UID = 'swml-security-overview';

export function securityOverview(): Dashboard {
  return baseDashboard(
    SECURITY_OVERVIEW_UID,
    'swml-guard / Security overview',
    'Is anyone attacking the agent right now? Failed authentication, rejected tokens, limits, security events, emergency mode and firing alerts.',
  )
    .withRow(new RowBuilder('Right now'))
    .withPanel(
      statPanel({
        title: 'Alerts firing',
        description:
          'Number of swml-guard alerts firing now. Anything above 0: read the table below and open the runbook (docs/incident-response.md) of each alert.',
        unit: units.Short,
        redFrom: 1,
        queries: [{ expr: 'count(ALERTS{alertstate="firing"}) or vector(0)', legend: 'firing' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Emergency mode',
        description:
          'ON when an emergency level is active: "secure" refuses every secure tool, "all" refuses every tool and answers new calls with "temporarily unavailable". Switch with POST /admin/emergency or `swml-guard emergency off`.',
        unit: units.NoUnit,
        redFrom: 1,
        mappings: ON_OFF,
        queries: [{ expr: 'max by (level) (swml_emergency_mode)', legend: '{{level}}' }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Failed authentications (last hour)',
        description:
          'Requests refused by Basic Auth or by the SignalWire signature check in the last hour. SignalWire always authenticates correctly, so a steady count is someone probing the webhooks.',
        unit: units.Short,
        redFrom: 20,
        queries: [
          { expr: 'sum(increase(swml_auth_failures_total{layer!="token"}[1h]))', legend: 'failures' },
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Token rejections (last hour)',
        description:
          'Secure tool calls refused because of a missing, forged, expired, replayed or cross-call function token in the last hour. These callers passed Basic Auth: any non-zero value deserves a look.',
        unit: units.Short,
        redFrom: 1,
        queries: [
          { expr: 'sum(increase(swml_auth_failures_total{layer="token"}[1h]))', legend: 'rejections' },
        ],
      }),
    )
    .withRow(new RowBuilder('Alerts'))
    .withPanel(
      tablePanel({
        title: 'Firing alerts',
        description:
          'Every alert Prometheus is firing now, with its labels (severity, tool, reason, level...). Each alert has a runbook section in docs/incident-response.md named after it.',
        unit: units.NoUnit,
        noValue: 'No alert is firing',
        hide: ['alertstate'],
        queries: [{ expr: 'ALERTS{alertstate="firing"}' }],
      }),
    )
    .withRow(new RowBuilder('Authentication'))
    .withPanel(
      timeseriesPanel({
        title: 'Failed authentications by layer and reason',
        description:
          'Refused requests per second at the Basic Auth and signature layers, by reason (missing, invalid, malformed...). Flat zero is normal; a spike is probing or a credential rotation gone wrong (AuthFailureSpike).',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: 'sum by (layer, reason) (rate(swml_auth_failures_total{layer!="token"}[$__rate_interval]))',
            legend: '{{layer}} / {{reason}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Token rejections by reason',
        description:
          'Secure tool calls refused per second by token check: expired, wrong_call (a token replayed on another call), wrong_function, revoked (call already ended), invalid (forged)... (TokenRejections).',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: 'sum by (reason) (rate(swml_auth_failures_total{layer="token"}[$__rate_interval]))',
            legend: '{{reason}}',
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Abuse controls'))
    .withPanel(
      timeseriesPanel({
        title: 'Rate-limited requests by limiter',
        description:
          'Requests refused per second by each limiter: ip (all webhooks per client IP), auth (failed logins per IP), caller (tool calls per caller), call and global (toll-fraud limits on new calls, CallLimitHits).',
        unit: units.RequestsPerSecond,
        queries: [
          {
            expr: 'sum by (limiter) (rate(swml_rate_limited_total[$__rate_interval]))',
            legend: '{{limiter}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Security events by type',
        description:
          'Security audit events per second by type, including tool-defined ones such as large_transaction_attempt (LargeTransactionAttempts). Details are in the audit log (`audit: true`, `event: "security"`).',
        unit: units.CountsPerSecond,
        queries: [
          {
            expr: 'sum by (event) (rate(swml_security_events_total[$__rate_interval]))',
            legend: '{{event}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Emergency mode over time',
        description:
          'When each emergency level was on (1) or off (0): lines up incidents with the traffic on the other panels (EmergencyModeActive).',
        unit: units.NoUnit,
        width: 24,
        height: 6,
        queries: [{ expr: 'max by (level) (swml_emergency_mode)', legend: '{{level}}' }],
      }).max(1),
    )
    .build();
}
