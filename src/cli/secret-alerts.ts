// `secret --env`'s alert receivers: from flags, the environment or questions, checked like Alertmanager's entrypoint.
import {
  ALERT_VARS,
  KINDS,
  ReceiverError,
  checkReceiverValue,
  checkReceivers,
  receiverVar,
  type Kind,
  type Severity,
} from './alert-receivers.js';
import { CliError, type Io } from './output.js';

export const ALERT_HELP = `Alert receivers (with --env; Alertmanager refuses to start until critical and warning alerts each have one):
  --alert-critical KIND:VALUE   where critical alerts go; repeatable. KIND: pagerduty (Events API v2
                                integration key), slack (incoming webhook URL), email (address[,address]),
                                webhook (URL taking Alertmanager's JSON)
  --alert-warning KIND:VALUE    where warnings go; repeatable; same kinds
  --alert-heartbeat <url>       dead man's switch ping URL (healthchecks.io or similar)
  --smtp-smarthost <host:port>, --smtp-from <address>, --smtp-username <user>
                                SMTP for email receivers (password: $ALERT_SMTP_PASSWORD, or edit .env)
  --ask                         ask for the receivers (default on a terminal when no --alert-* is given)
ALERT_* variables already in the environment are written too. Values are checked as Alertmanager's
entrypoint checks them: a placeholder or malformed value stops here and writes nothing.`;

export const ALERT_OPTIONS = {
  'alert-critical': { type: 'string', multiple: true },
  'alert-warning': { type: 'string', multiple: true },
  'alert-heartbeat': { type: 'string' },
  'smtp-smarthost': { type: 'string' },
  'smtp-from': { type: 'string' },
  'smtp-username': { type: 'string' },
  ask: { type: 'boolean' },
} as const;

export interface AlertFlags {
  'alert-critical'?: readonly string[];
  'alert-warning'?: readonly string[];
  'alert-heartbeat'?: string;
  'smtp-smarthost'?: string;
  'smtp-from'?: string;
  'smtp-username'?: string;
  ask?: boolean;
}

/** What goes into .env, and one line saying where alerts go (or what is missing). */
export interface AlertSettings {
  values: Record<string, string>;
  summary: string;
}

const isKind = (k: string): k is Kind => (KINDS as readonly string[]).includes(k);

function receiver(values: Record<string, string>, severity: Severity, spec: string): void {
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  if (colon < 1 || !isKind(kind) || colon === spec.length - 1) {
    throw new CliError(`--alert-${severity} takes KIND:VALUE, got ${JSON.stringify(spec.slice(0, 12))}...`, {
      fix: 'use pagerduty:<integration key>, slack:<webhook URL>, email:<address> or webhook:<URL>',
      exitCode: 2,
    });
  }
  values[receiverVar(severity, kind)] = spec.slice(colon + 1);
}

async function askReceivers(
  ask: NonNullable<Io['ask']>,
  io: Io,
  values: Record<string, string>,
): Promise<void> {
  io.err('Where should alerts go? Alertmanager starts once both severities have a receiver.');
  const severities: [Severity, string][] = [
    ['critical', 'Critical alerts (they page someone)'],
    ['warning', 'Warnings (a team channel)'],
  ];
  const what: Record<Kind, string> = {
    pagerduty: 'PagerDuty Events API v2 integration key',
    slack: 'Slack incoming webhook URL',
    email: 'e-mail address(es), comma-separated',
    webhook: 'webhook URL',
  };
  for (const [severity, label] of severities) {
    for (;;) {
      const kind = (await ask(`${label} [pagerduty/slack/email/webhook, empty: later]: `))?.trim() ?? '';
      if (kind === '') break;
      if (!isKind(kind)) {
        io.err('  one of pagerduty, slack, email, webhook, or empty');
        continue;
      }
      const value = (await ask(`  ${what[kind]}: `))?.trim() ?? '';
      try {
        checkReceiverValue(receiverVar(severity, kind), kind, value);
      } catch (err) {
        if (!(err instanceof ReceiverError)) throw err;
        io.err(`  ${err.message}`);
        continue;
      }
      values[receiverVar(severity, kind)] = value;
      if (kind === 'email' && !values.ALERT_SMTP_SMARTHOST) {
        values.ALERT_SMTP_SMARTHOST = (await ask('  SMTP server host:port: '))?.trim() ?? '';
        values.ALERT_SMTP_FROM = (await ask('  sender address: '))?.trim() ?? '';
        values.ALERT_SMTP_USERNAME = (await ask('  SMTP user name (empty: no login): '))?.trim() ?? '';
      }
      break;
    }
  }
  const heartbeat = (
    await ask("Dead man's switch ping URL (healthchecks.io or similar, empty: none): ")
  )?.trim();
  if (heartbeat) values.ALERT_HEARTBEAT_URL = heartbeat;
}

/**
 * Collects the receivers: ALERT_* from the environment, then the flags, then (with --ask, or on a terminal
 * when no flag was given) answers. A bad value stops here (exit 2, nothing written); missing receivers do
 * not (the .env is still useful), the summary says what to add.
 */
export async function alertSettings(flags: AlertFlags, io: Io): Promise<AlertSettings> {
  const values: Record<string, string> = {};
  for (const name of ALERT_VARS) {
    const value = io.env[name];
    if (value) values[name] = value;
  }
  for (const spec of flags['alert-critical'] ?? []) receiver(values, 'critical', spec);
  for (const spec of flags['alert-warning'] ?? []) receiver(values, 'warning', spec);
  if (flags['alert-heartbeat'] !== undefined) values.ALERT_HEARTBEAT_URL = flags['alert-heartbeat'];
  if (flags['smtp-smarthost'] !== undefined) values.ALERT_SMTP_SMARTHOST = flags['smtp-smarthost'];
  if (flags['smtp-from'] !== undefined) values.ALERT_SMTP_FROM = flags['smtp-from'];
  if (flags['smtp-username'] !== undefined) values.ALERT_SMTP_USERNAME = flags['smtp-username'];
  const given = Boolean(flags['alert-critical'] ?? flags['alert-warning'] ?? flags['alert-heartbeat']);
  if (flags.ask || (!given && io.ask)) {
    if (!io.ask) throw new CliError('--ask needs a terminal (stdin)', { exitCode: 2 });
    await askReceivers(io.ask, io, values);
  }
  if (values.ALERT_SMTP_PASSWORD?.includes("'")) {
    throw new CliError('ALERT_SMTP_PASSWORD must not contain a single quote (it is written single-quoted)', {
      exitCode: 2,
    });
  }
  try {
    const r = checkReceivers(values);
    const summary = `critical -> ${r.critical.join(' ')}; warning -> ${r.warning.join(' ')}; heartbeat -> ${r.heartbeat ? 'webhook' : 'none'}`;
    return { values, summary };
  } catch (err) {
    if (!(err instanceof ReceiverError)) throw err;
    if (/^no (alert )?receiver/.test(err.message)) return { values, summary: '' };
    throw new CliError(err.message, { fix: 'see docs/observability.md, "Where alerts go"', exitCode: 2 });
  }
}

/** Puts the values on their empty `NAME=` lines of the filled template (the password single-quoted). */
export function applyAlertSettings(text: string, values: Record<string, string>): string {
  return text.replace(/^(ALERT_[A-Z_]+)=.*$/gm, (line, name: string) => {
    const value = values[name];
    if (!value) return line;
    return `${name}=${name === 'ALERT_SMTP_PASSWORD' ? `'${value}'` : value}`;
  });
}
