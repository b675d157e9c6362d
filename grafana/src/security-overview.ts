// Security overview dashboard: authentication failures, token rejections, rate limiting, security events,
/* eslint-disable @typescript-eslint/no-deprecated -- the classic dashboard model (schemaVersion 4x) is what Grafana's
   file provisioning loads; the SDK marks it deprecated in favour of the v2 schema, which needs Grafana 12 feature flags. */
// emergency mode and the alerts firing right now.
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { baseDashboard, withItems } from './layout.js';
import { timeseriesPanel } from './panels.js';
import { rightNowPanels } from './security-alerts.js';

export const SECURITY_OVERVIEW_UID = 'swml-security-overview';

export function securityOverview(): Dashboard {
  return withItems(
    baseDashboard(
      SECURITY_OVERVIEW_UID,
      'swml-guard / Security overview',
      'Is anyone attacking the agent right now? Failed authentication, rejected tokens, limits, security events, emergency mode, firing alerts, and whether alerts reach anyone.',
    ),
    [
      ...rightNowPanels(),
      new RowBuilder('Authentication'),
      timeseriesPanel({
        title: 'Failed authentications per minute by layer and reason',
        description:
          'Refused requests per minute at the Basic Auth and signature layers, by reason (missing, invalid, malformed...). Flat zero is normal; a spike is probing or a credential rotation gone wrong (AuthFailureSpike).',
        unit: units.RequestsPerMinute,
        queries: [
          {
            expr: 'sum by (layer, reason) (rate(swml_auth_failures_total{layer!="token"}[$__rate_interval])) * 60',
            legend: '{{layer}} / {{reason}}',
          },
        ],
      }),

      timeseriesPanel({
        title: 'Token rejections per minute by reason',
        description:
          'Secure tool calls refused per minute by token check: expired, wrong_call (a token replayed on another call), wrong_function, revoked (call already ended), invalid (forged)... (TokenRejections).',
        unit: units.RequestsPerMinute,
        queries: [
          {
            expr: 'sum by (reason) (rate(swml_auth_failures_total{layer="token"}[$__rate_interval])) * 60',
            legend: '{{reason}}',
          },
        ],
      }),

      new RowBuilder('Abuse controls'),
      timeseriesPanel({
        title: 'Rate-limited requests per minute by limiter',
        description:
          'Requests refused per minute by each limiter: ip (all webhooks per client IP), auth (failed logins per IP), caller (tool calls per caller), call and global (toll-fraud limits on new calls, CallLimitHits).',
        unit: units.RequestsPerMinute,
        queries: [
          {
            expr: 'sum by (limiter) (rate(swml_rate_limited_total[$__rate_interval])) * 60',
            legend: '{{limiter}}',
          },
        ],
      }),

      timeseriesPanel({
        title: 'Security events per minute by type',
        description:
          'Security audit events per minute by type, including tool-defined ones such as large_transaction_attempt (LargeTransactionAttempts). Details are in the audit log (`audit: true`, `event: "security"`).',
        unit: units.CountsPerMinute,
        queries: [
          {
            expr: 'sum by (event) (rate(swml_security_events_total[$__rate_interval])) * 60',
            legend: '{{event}}',
          },
        ],
      }),

      timeseriesPanel({
        title: 'Emergency mode over time',
        description:
          'When each emergency level was on (1) or off (0): lines up incidents with the traffic on the other panels (EmergencyModeActive).',
        unit: units.NoUnit,
        width: 24,
        height: 6,
        queries: [{ expr: 'max by (level) (swml_emergency_mode)', legend: '{{level}}' }],
      }).max(1),
    ],
  ).build();
}
