// One table of alert receiver settings (.env ALERT_*) for both judges: deploy/alertmanager/entrypoint.sh
// (test/ops/alertmanager.test.ts) and src/cli/alert-receivers.ts (doctor, `secret --env`; a unit test).
import type { Kind } from '../../src/cli/alert-receivers.js';

/** Real-looking values; each is a secret that must never appear in an error message. */
export const REAL = {
  pagerduty: 'e93facc04764012d7bfb002500d5d1a6',
  slack: 'https://hooks.slack.com/services/T0SECRET1/B0SECRET2/xyzSecretToken123',
  webhook: 'https://ops.acme.io/alerts/swml?key=S3cretKey&x=1',
  email: 'oncall@acme.io',
  heartbeat: 'https://hc-ping.com/5b2d7b4e-6c5a-4f1e-9d3c-secretuuid00',
};

export const SMTP: Record<string, string> = {
  ALERT_SMTP_SMARTHOST: 'smtp.acme.io:587',
  ALERT_SMTP_FROM: 'alerts@acme.io',
  ALERT_SMTP_USERNAME: 'alerts',
  ALERT_SMTP_PASSWORD: "smtp-pa'ss wo$rd",
};

export interface ValidCase {
  name: string;
  env: Record<string, string>;
  critical: Kind[];
  warning: Kind[];
  heartbeat: boolean;
}

export const VALID: ValidCase[] = [
  {
    name: 'PagerDuty pages, Slack for warnings, a heartbeat',
    env: {
      ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY: REAL.pagerduty,
      ALERT_WARNING_SLACK_WEBHOOK_URL: REAL.slack,
      ALERT_HEARTBEAT_URL: REAL.heartbeat,
    },
    critical: ['pagerduty'],
    warning: ['slack'],
    heartbeat: true,
  },
  {
    name: 'Slack for both (two channels)',
    env: {
      ALERT_CRITICAL_SLACK_WEBHOOK_URL: REAL.slack,
      ALERT_WARNING_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0SECRET1/B0OTHER/otherToken456',
    },
    critical: ['slack'],
    warning: ['slack'],
    heartbeat: false,
  },
  {
    name: 'e-mail through SMTP with a login',
    env: { ALERT_CRITICAL_EMAIL_TO: REAL.email, ALERT_WARNING_EMAIL_TO: 'ops@acme.io,dev@acme.io', ...SMTP },
    critical: ['email'],
    warning: ['email'],
    heartbeat: false,
  },
  {
    name: 'e-mail through a local relay without login or TLS',
    env: {
      ALERT_CRITICAL_EMAIL_TO: REAL.email,
      ALERT_WARNING_EMAIL_TO: REAL.email,
      ALERT_SMTP_SMARTHOST: 'relay.internal:25',
      ALERT_SMTP_FROM: 'alerts@acme.io',
      ALERT_SMTP_REQUIRE_TLS: 'false',
    },
    critical: ['email'],
    warning: ['email'],
    heartbeat: false,
  },
  {
    name: 'generic webhooks (http allowed for an internal relay)',
    env: {
      ALERT_CRITICAL_WEBHOOK_URL: REAL.webhook,
      ALERT_WARNING_WEBHOOK_URL: 'http://10.0.0.9:8080/hook',
      ALERT_HEARTBEAT_URL: REAL.heartbeat,
    },
    critical: ['webhook'],
    warning: ['webhook'],
    heartbeat: true,
  },
  {
    name: 'every integration at once for critical, PagerDuty for warnings',
    env: {
      ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY: REAL.pagerduty,
      ALERT_CRITICAL_SLACK_WEBHOOK_URL: REAL.slack,
      ALERT_CRITICAL_EMAIL_TO: REAL.email,
      ALERT_CRITICAL_WEBHOOK_URL: REAL.webhook,
      ALERT_WARNING_PAGERDUTY_ROUTING_KEY: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
      ...SMTP,
    },
    critical: ['pagerduty', 'slack', 'email', 'webhook'],
    warning: ['pagerduty'],
    heartbeat: false,
  },
];

export interface InvalidCase {
  name: string;
  env: Record<string, string>;
  /** The message (after `ERR_SWML_ALERT_RECEIVER: `) starts with this. */
  message: string;
}

const both = (critical: Record<string, string>): Record<string, string> => ({
  ALERT_WARNING_WEBHOOK_URL: REAL.webhook,
  ...critical,
});

export const INVALID: InvalidCase[] = [
  { name: 'nothing configured', env: {}, message: 'no alert receiver is configured' },
  {
    name: 'empty values (compose passes ${VAR:-})',
    env: { ALERT_CRITICAL_WEBHOOK_URL: '', ALERT_WARNING_SLACK_WEBHOOK_URL: '' },
    message: 'no alert receiver is configured',
  },
  {
    name: 'only critical',
    env: { ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY: REAL.pagerduty },
    message: 'no receiver for warnings',
  },
  {
    name: 'only warning',
    env: { ALERT_WARNING_SLACK_WEBHOOK_URL: REAL.slack },
    message: 'no receiver for critical alerts',
  },
  {
    name: 'the placeholder the old init.sh wrote',
    env: both({ ALERT_CRITICAL_WEBHOOK_URL: 'http://alertmanager-webhook.invalid/not-configured' }),
    message: 'ALERT_CRITICAL_WEBHOOK_URL points at alertmanager-webhook.invalid, a placeholder',
  },
  {
    name: "the old .env.example's example URL",
    env: both({ ALERT_CRITICAL_WEBHOOK_URL: 'https://hooks.example.com/your-webhook' }),
    message: 'ALERT_CRITICAL_WEBHOOK_URL points at hooks.example.com, a placeholder',
  },
  {
    name: 'placeholder words',
    env: both({ ALERT_CRITICAL_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/CHANGEME' }),
    message: 'ALERT_CRITICAL_SLACK_WEBHOOK_URL looks like a placeholder',
  },
  {
    name: 'Slack over plain http',
    env: both({ ALERT_CRITICAL_SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T0/B0/abcdef' }),
    message: 'ALERT_CRITICAL_SLACK_WEBHOOK_URL must start with https://',
  },
  {
    name: 'not a URL',
    env: both({ ALERT_CRITICAL_WEBHOOK_URL: 'ops.acme.io/hook' }),
    message: 'ALERT_CRITICAL_WEBHOOK_URL must be an absolute URL starting with https://',
  },
  {
    name: 'a URL with a space (or a quote that would break the YAML)',
    env: both({ ALERT_CRITICAL_WEBHOOK_URL: "https://ops.acme.io/a b'c" }),
    message: 'ALERT_CRITICAL_WEBHOOK_URL must be a URL without spaces',
  },
  {
    name: 'a URL with a line break',
    env: both({ ALERT_CRITICAL_WEBHOOK_URL: 'https://ops.acme.io/a\nurl: https://evil.io/' }),
    message: 'ALERT_CRITICAL_WEBHOOK_URL must be a URL without spaces',
  },
  {
    name: 'a template in a URL',
    env: both({ ALERT_CRITICAL_WEBHOOK_URL: 'https://ops.acme.io/{{ .ExternalURL }}' }),
    message: 'ALERT_CRITICAL_WEBHOOK_URL must be a URL without spaces',
  },
  {
    name: 'a PagerDuty key of the wrong length',
    env: both({ ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY: 'e93facc04764012d7bfb002500d5d1' }),
    message: 'ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY must be a PagerDuty Events API v2 integration key',
  },
  {
    name: 'a PagerDuty key made of one repeated character',
    env: both({ ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY: '0'.repeat(32) }),
    message: 'ALERT_CRITICAL_PAGERDUTY_ROUTING_KEY looks like a placeholder',
  },
  {
    name: 'e-mail without an SMTP server',
    env: both({ ALERT_CRITICAL_EMAIL_TO: REAL.email }),
    message: 'ALERT_CRITICAL_EMAIL_TO needs ALERT_SMTP_SMARTHOST',
  },
  {
    name: 'e-mail to a placeholder domain',
    env: both({ ALERT_CRITICAL_EMAIL_TO: 'oncall@example.com', ...SMTP }),
    message: 'ALERT_CRITICAL_EMAIL_TO sends to example.com, a placeholder domain',
  },
  {
    name: 'an empty address in the list',
    env: both({ ALERT_CRITICAL_EMAIL_TO: 'oncall@acme.io,', ...SMTP }),
    message: 'ALERT_CRITICAL_EMAIL_TO holds an empty address',
  },
  {
    name: 'not an address',
    env: both({ ALERT_CRITICAL_EMAIL_TO: 'oncall', ...SMTP }),
    message: 'ALERT_CRITICAL_EMAIL_TO holds an invalid e-mail address',
  },
  {
    name: 'an SMTP server without a port',
    env: both({ ALERT_CRITICAL_EMAIL_TO: REAL.email, ...SMTP, ALERT_SMTP_SMARTHOST: 'smtp.acme.io' }),
    message: 'ALERT_SMTP_SMARTHOST must be host:port',
  },
  {
    name: 'an SMTP login without a password',
    env: both({ ALERT_CRITICAL_EMAIL_TO: REAL.email, ...SMTP, ALERT_SMTP_PASSWORD: '' }),
    message: 'ALERT_SMTP_USERNAME is set without ALERT_SMTP_PASSWORD',
  },
  {
    name: 'ALERT_SMTP_REQUIRE_TLS neither true nor false',
    env: both({ ALERT_CRITICAL_EMAIL_TO: REAL.email, ...SMTP, ALERT_SMTP_REQUIRE_TLS: 'maybe' }),
    message: 'ALERT_SMTP_REQUIRE_TLS must be true or false',
  },
  {
    name: 'a placeholder heartbeat',
    env: both({
      ALERT_CRITICAL_SLACK_WEBHOOK_URL: REAL.slack,
      ALERT_HEARTBEAT_URL: 'https://hc-ping.invalid/x',
    }),
    message: 'ALERT_HEARTBEAT_URL points at hc-ping.invalid, a placeholder',
  },
  {
    name: 'the variable of the previous release',
    env: both({ ALERT_CRITICAL_SLACK_WEBHOOK_URL: REAL.slack, ALERTMANAGER_WEBHOOK_URL: REAL.webhook }),
    message: 'ALERTMANAGER_WEBHOOK_URL is no longer read',
  },
];
