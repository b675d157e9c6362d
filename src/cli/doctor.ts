// `swml-guard doctor [module]`: audit the effective configuration against the production hardening checklist;
// `doctor --url`: audit a live deployment from outside.
import { COMPOSE_DEFAULTS, composeAgentEnv, looksLikeCompose } from './doctor-compose.js';
import { runChecks } from './doctor-checks.js';
import { report } from './doctor-report.js';
import { URL_OPTIONS, urlDoctor } from './doctor-url.js';
import { withEnvFile } from './env-file.js';
import { loadAgent } from './load-agent.js';
import { CliError, parse, type Io } from './output.js';

export const DOCTOR_HELP = `Usage: swml-guard doctor [module] [--json] [--env-file <path>] [--compose | --no-compose]
       swml-guard doctor --url <https://host/> [--json] [--cacert <pem>] [--resolve <h:p:a>] ...

Audit the effective configuration (the environment and .env, plus the agent's own options) against the
production hardening checklist, and print pass/warn/fail with a one-line fix for each item:

  config           every setting parses and validates (the agent would start)
  production_mode  NODE_ENV=production
  https            direct TLS, or an https SWML_PROXY_URL_BASE
  basic_auth       SWML_BASIC_AUTH_PASSWORD set, 32+ characters, not reused
  token_secret     SWML_TOKEN_SECRET set, 32+ bytes, not reused
  secure_tools     tools about money, deletion, passwords or personal data are secure
  rate_limits      limits on and not absurdly high
  audit_log        AUDIT_LOG_FILE set and writable
  metrics_bind     METRICS_HOST on loopback (or compose's private network)
  admin_endpoint   SWML_ADMIN_TOKEN set (runtime emergency switch reachable)
  tls_files        with direct TLS: files readable, key matches, 14+ days before expiry
  alerting         a compose .env: critical and warning alerts each reach a real receiver, heartbeat set
  signing          SIGNALWIRE_SIGNING_KEY set: every webhook needs SignalWire's signature, not just the password
  revocations      ended calls kept where a restart cannot forget them (REDIS_URL, or a writable SWML_STATE_DIR)

  module             agent module to audit (default: $AGENT_MODULE, else the demo agent)
  --json             print {"status","mode","checks":[{"id","status","message","fix"}]} (stable ids and order)
  --env-file <path>  settings file under the environment (default: .env in the current folder, if any)
  --compose          audit the docker compose stack: add what docker-compose.yml sets for the agent
                     (NODE_ENV=production, HTTPS through Caddy: SWML_PROXY_URL_BASE=https://$SWML_DOMAIN and
                     SWML_TRUST_PROXY=1, the internal port on the private network). Automatic when the
                     folder has docker-compose.yml and .env was written for it (deploy/init.sh, npm run setup)
  --no-compose       audit the settings as they are (npm start, swml-guard serve)

--url checks a running deployment from outside instead (docs/cli.md):
  HTTPS and certificate expiry, HSTS, HTTP->HTTPS redirect, 401 without credentials, /metrics, /admin and the
  internal port not reachable, security headers.
${URL_OPTIONS}

Secret values are never printed. Exit code: 0 all pass, 1 warnings, 2 failures.`;

export async function doctorCommand(args: string[], cliIo: Io): Promise<number> {
  const { values, positionals } = parse('doctor', args, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    'env-file': { type: 'string' },
    compose: { type: 'boolean' },
    'no-compose': { type: 'boolean' },
    url: { type: 'string' },
    cacert: { type: 'string' },
    resolve: { type: 'string', multiple: true },
    'http-port': { type: 'string' },
    'internal-port': { type: 'string' },
    timeout: { type: 'string' },
  });
  if (values.help) return (cliIo.out(DOCTOR_HELP), 0);
  if (positionals.length > 1)
    throw new CliError('one module at most', { fix: 'run `swml-guard doctor --help`', exitCode: 2 });
  if (values.url !== undefined) return urlDoctor(values.url, values, cliIo);
  if (values.compose && values['no-compose'])
    throw new CliError('--compose and --no-compose contradict each other', { exitCode: 2 });

  let io = withEnvFile(cliIo, values['env-file'], !values.json);
  const compose =
    values.compose === true || (!values['no-compose'] && looksLikeCompose(io.cwd, values['env-file']));
  if (compose) io = { ...io, env: { ...COMPOSE_DEFAULTS, ...io.env, ...composeAgentEnv(io.env) } };

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
    compose,
  });
  const source = loaded ? loaded.source : 'agent module not loaded';
  const title = compose
    ? `${source}, as the docker compose stack runs it (.env + docker-compose.yml; --no-compose: as is)`
    : source;
  return report(io, title, checks, values.json, { mode: compose ? 'compose' : 'local' });
}
