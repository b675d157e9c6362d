// `swml-guard secret`: one strong random secret, or a complete .env from deploy/env.template with fresh secrets.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, parse, type Io } from './output.js';
import {
  ALERT_HELP,
  ALERT_OPTIONS,
  alertSettings,
  applyAlertSettings,
  type AlertFlags,
} from './secret-alerts.js';

export const SECRET_HELP = `Usage: swml-guard secret [--env <path> [--domain <host>] [--template <path>] [alert receivers]]

Without options: print one strong random secret (48 random bytes, base64url, 64 characters), for
SWML_BASIC_AUTH_PASSWORD, SWML_TOKEN_SECRET, SWML_ADMIN_TOKEN or a rotation.

  --env <path>        write a complete .env for docker compose from deploy/env.template, every
                      secret fresh (32 random bytes, hex), file mode 0600. Never overwrites an
                      existing file: move it away first (its secrets may be in use).
  --domain <host>     public host name for SWML_DOMAIN (default: $SWML_DOMAIN, else localhost)
  --template <path>   template to fill (default: the package's deploy/env.template)

${ALERT_HELP}
Examples:
  swml-guard secret
  swml-guard secret --env .env --domain agent.example.com     (same as \`npm run setup\`)
  swml-guard secret --env .env --alert-critical pagerduty:<key> --alert-warning slack:https://hooks.slack.com/...`;

/** 48 random bytes as base64url: 64 URL-safe characters, 384 bits. */
export function strongSecret(): string {
  return randomBytes(48).toString('base64url');
}

const DOMAIN = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$/;
const PLACEHOLDER = /__([A-Z][A-Z0-9_]*)__/g;

/**
 * Fills the template: `#!` lines are dropped; each `__SECRET_<NAME>__` gets a fresh 32-byte hex value (the same one wherever the same
 * placeholder appears, as deploy/init.sh does), `__SWML_DOMAIN__` the host name. Unknown placeholders fail.
 */
export function fillTemplate(template: string, domain: string): string {
  const secrets = new Map<string, string>();
  // `#!` lines are notes for the tools that fill the template, not for the .env.
  const kept = template
    .split('\n')
    .filter((line) => !line.startsWith('#!'))
    .join('\n');
  return kept.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'SWML_DOMAIN') return domain;
    if (!name.startsWith('SECRET_')) {
      throw new CliError(`the template has an unknown placeholder ${whole}`, {
        fix: 'use __SECRET_<NAME>__ or __SWML_DOMAIN__ (see the rules at the top of deploy/env.template)',
      });
    }
    let value = secrets.get(name);
    if (value === undefined) {
      value = randomBytes(32).toString('hex');
      secrets.set(name, value);
    }
    return value;
  });
}

async function writeEnv(
  io: Io,
  target: string,
  domain: string,
  templatePath: string,
  flags: AlertFlags,
): Promise<void> {
  if (!DOMAIN.test(domain)) {
    throw new CliError(`invalid domain ${JSON.stringify(domain)}`, {
      fix: 'pass a host name such as agent.example.com (optionally with :port) to --domain',
    });
  }
  let template: string;
  try {
    template = readFileSync(templatePath, 'utf8');
  } catch {
    throw new CliError(`cannot read the template ${templatePath}`, {
      fix: 'run from a clone of swml-guard, or pass --template <path to env.template>',
    });
  }
  if (existsSync(target)) {
    throw new CliError(`${target} already exists; not overwriting it (its secrets may be in use)`, {
      fix: 'move it away first to start over, or write elsewhere with --env <other path>',
    });
  }
  const alerts = await alertSettings(flags, io);
  const content = applyAlertSettings(fillTemplate(template, domain), alerts.values);
  let fd: number;
  try {
    // 'wx': create only, atomically; a file that appears meanwhile is never overwritten.
    fd = openSync(target, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CliError(`cannot create ${target} (${code})`, {
      fix:
        code === 'EEXIST'
          ? 'move the existing file away first'
          : 'check that the folder exists and is writable',
    });
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  io.out(`Wrote ${target} (mode 600) with new secrets for SWML_DOMAIN=${domain}.`);
  io.out(
    alerts.summary
      ? `Alerts: ${alerts.summary}`
      : `Alerts: not configured yet. Alertmanager will refuse to start until ${target} has a receiver for critical alerts and one for warnings (ALERT_*; see docs/observability.md).`,
  );
  io.out(
    'Next: docker compose up -d   (then `swml-guard doctor` to audit the settings, `swml-guard alert-test`)',
  );
}

export async function secretCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    'secret',
    args,
    {
      help: { type: 'boolean', short: 'h' },
      env: { type: 'string' },
      domain: { type: 'string' },
      template: { type: 'string' },
      ...ALERT_OPTIONS,
    },
    false,
  );
  if (values.help) {
    io.out(SECRET_HELP);
    return 0;
  }
  if (values.env === undefined) {
    const [extra] = Object.keys(values).filter((k) => k !== 'help' && k !== 'env');
    if (extra !== undefined) throw new CliError(`--${extra} only applies with --env <path>`, { exitCode: 2 });
    io.out(strongSecret());
    return 0;
  }
  const defaultTemplate = fileURLToPath(new URL('../../deploy/env.template', import.meta.url));
  const templatePath = values.template !== undefined ? resolve(io.cwd, values.template) : defaultTemplate;
  const domain = values.domain ?? io.env.SWML_DOMAIN ?? 'localhost';
  await writeEnv(io, resolve(io.cwd, values.env), domain, templatePath, values);
  return 0;
}
