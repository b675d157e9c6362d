// `swml-guard doctor [module]`: audit the effective configuration against the production hardening checklist.
import { loadAgent } from './load-agent.js';
import { runChecks, type Check, type CheckStatus } from './doctor-checks.js';
import { CliError, parse, type Io } from './output.js';

export const DOCTOR_HELP = `Usage: swml-guard doctor [module] [--json]

Audit the effective configuration (the environment, plus the agent's own options) against the production
hardening checklist, and print pass/warn/fail with a one-line fix for each item:

  config           every setting parses and validates (the agent would start)
  production_mode  NODE_ENV=production
  https            direct TLS, or an https SWML_PROXY_URL_BASE
  basic_auth       SWML_BASIC_AUTH_PASSWORD set, 32+ characters, not reused
  token_secret     SWML_TOKEN_SECRET set, 32+ bytes, not reused
  secure_tools     tools about money, deletion, passwords or personal data are secure
  rate_limits      limits on and not absurdly high
  audit_log        AUDIT_LOG_FILE set and writable
  metrics_bind     METRICS_HOST on loopback
  admin_endpoint   SWML_ADMIN_TOKEN set (runtime emergency switch reachable)
  tls_files        with direct TLS: files readable, key matches, 14+ days before expiry
  signing          SIGNALWIRE_SIGNING_KEY set: every webhook needs SignalWire's signature, not just the password
  revocations      ended calls kept where a restart cannot forget them (REDIS_URL, or a writable SWML_STATE_DIR)

  module    agent module to audit (default: $AGENT_MODULE, else the demo agent)
  --json    print {"status","checks":[{"id","status","message","fix"}]} (stable ids and order)

Secret values are never printed. Exit code: 0 all pass, 1 warnings, 2 failures.
Audit a .env file: node --env-file=.env bin/swml-guard.js doctor`;

function overall(checks: Check[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}

export async function doctorCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('doctor', args, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
  });
  if (values.help) return (io.out(DOCTOR_HELP), 0);
  if (positionals.length > 1)
    throw new CliError('one module at most', { fix: 'run `swml-guard doctor --help`', exitCode: 2 });

  let agentError: string | undefined;
  const loaded = await loadAgent(positionals[0] ?? io.env.AGENT_MODULE, io.cwd).catch((err: unknown) => {
    agentError = err instanceof Error ? err.message : String(err);
    return undefined;
  });
  const checks = runChecks({
    env: io.env,
    overrides: { ...loaded?.agent.settings },
    agent: loaded?.agent,
    agentError,
    now: new Date(),
  });
  const status = overall(checks);
  const code = status === 'pass' ? 0 : status === 'warn' ? 1 : 2;
  if (values.json) {
    io.out(JSON.stringify({ status, checks }, null, 2));
    return code;
  }

  const { green, yellow, red, bold, dim } = io.color;
  const label = { pass: green('PASS'), warn: yellow('WARN'), fail: red('FAIL') };
  const idWidth = Math.max(...checks.map((c) => c.id.length));
  io.out(bold(`swml-guard doctor: ${loaded ? loaded.source : 'agent module not loaded'}`));
  for (const c of checks) {
    io.out(`${label[c.status]}  ${c.id.padEnd(idWidth)}  ${c.message}`);
    if (c.fix) io.out(`${' '.repeat(idWidth + 8)}${dim('fix:')} ${c.fix}`);
  }
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const summary = `${count('fail')} failed, ${count('warn')} warning(s), ${count('pass')} passed`;
  io.out();
  io.out(
    status === 'pass'
      ? green(`All ${checks.length} checks passed.`)
      : status === 'warn'
        ? yellow(summary)
        : red(summary),
  );
  return code;
}
