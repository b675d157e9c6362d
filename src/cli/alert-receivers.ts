// Alert receivers in .env (ALERT_*): the same rules as deploy/alertmanager/entrypoint.sh, for doctor and `secret --env`.
import { checkEmails, checkKey, checkSmtp, checkUrl, fail, type Env } from './alert-receiver-values.js';

/** Where runbook links point without RUNBOOK_BASE_URL: the docs folder of the project's public repository. */
export const DEFAULT_RUNBOOK_BASE = 'https://github.com/swml-guard/swml-guard/blob/main/docs';

export const SEVERITIES = ['critical', 'warning'] as const;
export const KINDS = ['pagerduty', 'slack', 'email', 'webhook'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Kind = (typeof KINDS)[number];

const SUFFIX: Record<Kind, string> = {
  pagerduty: 'PAGERDUTY_ROUTING_KEY',
  slack: 'SLACK_WEBHOOK_URL',
  email: 'EMAIL_TO',
  webhook: 'WEBHOOK_URL',
};

/** `ALERT_CRITICAL_SLACK_WEBHOOK_URL` and so on. */
export const receiverVar = (severity: Severity, kind: Kind) =>
  `ALERT_${severity.toUpperCase()}_${SUFFIX[kind]}`;

export const SMTP_VARS = [
  'ALERT_SMTP_SMARTHOST',
  'ALERT_SMTP_FROM',
  'ALERT_SMTP_USERNAME',
  'ALERT_SMTP_PASSWORD',
  'ALERT_SMTP_REQUIRE_TLS',
] as const;

/** Every variable of the alerting section of .env, in the order deploy/env.template lists them. */
export const ALERT_VARS: readonly string[] = [
  ...SEVERITIES.flatMap((s) => KINDS.map((k) => receiverVar(s, k))),
  ...SMTP_VARS,
  'ALERT_HEARTBEAT_URL',
];

export { ReceiverError } from './alert-receiver-values.js';

export interface Receivers {
  critical: Kind[];
  warning: Kind[];
  heartbeat: boolean;
}

/** Checks one receiver value as `secret --env` takes it (SMTP settings are checked with the whole env). */
export function checkReceiverValue(name: string, kind: Kind | 'heartbeat', value: string): void {
  if (kind === 'pagerduty') checkKey(name, value);
  else if (kind === 'email') checkEmails(name, value);
  else checkUrl(name, value, kind !== 'slack');
}

function checkSeverity(severity: Severity, env: Env): Kind[] {
  const kinds: Kind[] = [];
  for (const kind of KINDS) {
    const name = receiverVar(severity, kind);
    const value = env[name] ?? '';
    if (value === '') continue;
    checkReceiverValue(name, kind, value);
    if (kind === 'email') checkSmtp(name, env);
    kinds.push(kind);
  }
  return kinds;
}

/**
 * What entrypoint.sh decides for this environment: the integrations of each receiver, or a ReceiverError
 * with its message. Empty values count as unset (compose passes `${VAR:-}`).
 *
 * @example
 * checkReceivers({ ALERT_CRITICAL_WEBHOOK_URL: 'https://ops.acme.io/hook', ALERT_WARNING_WEBHOOK_URL: '...' });
 */
export function checkReceivers(env: Env): Receivers {
  if ((env.ALERTMANAGER_WEBHOOK_URL ?? '') !== '')
    fail(
      'ALERTMANAGER_WEBHOOK_URL is no longer read: move its value to ALERT_CRITICAL_WEBHOOK_URL and/or ALERT_WARNING_WEBHOOK_URL (or a native Slack, PagerDuty or e-mail receiver), then remove it',
    );
  const critical = checkSeverity('critical', env);
  const warning = checkSeverity('warning', env);
  if (critical.length === 0 && warning.length === 0)
    fail(
      'no alert receiver is configured: alerts would reach nobody. Set a receiver for critical alerts (ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY, _SLACK_WEBHOOK_URL, _EMAIL_TO or _WEBHOOK_URL) and one for warnings (ALERT_WARNING_...) in .env, or run deploy/init.sh',
    );
  if (critical.length === 0)
    fail(
      'no receiver for critical alerts: set ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY, ALERT_CRITICAL_SLACK_WEBHOOK_URL, ALERT_CRITICAL_EMAIL_TO or ALERT_CRITICAL_WEBHOOK_URL in .env',
    );
  if (warning.length === 0)
    fail(
      'no receiver for warnings: set ALERT_WARNING_SLACK_WEBHOOK_URL, ALERT_WARNING_EMAIL_TO, ALERT_WARNING_WEBHOOK_URL or ALERT_WARNING_PAGERDUTY_ROUTING_KEY in .env',
    );
  const heartbeat = env.ALERT_HEARTBEAT_URL ?? '';
  if (heartbeat !== '') checkUrl('ALERT_HEARTBEAT_URL', heartbeat, true);
  return { critical, warning, heartbeat: heartbeat !== '' };
}
