// Doctor's alerting item: in a docker compose .env, alerts must reach a person (receivers, heartbeat, runbook links).
import { ALERT_VARS, ReceiverError, checkReceivers } from './alert-receivers.js';
import { fail, pass, warn, type Check, type DoctorInput } from './doctor-model.js';

/** Variables only the compose stack's .env has: with any of them set, doctor audits its alerting too. */
const COMPOSE_MARKERS = [
  'GRAFANA_ADMIN_PASSWORD',
  'REDIS_PASSWORD',
  'ALERTMANAGER_WEBHOOK_URL',
  ...ALERT_VARS,
];

/**
 * Fails exactly when Alertmanager's entrypoint would refuse to start (the same rules, src/cli/alert-receivers.ts),
 * warns without a dead man's switch or with a runbook base that is not an absolute URL.
 */
export function alertingCheck(input: DoctorInput): Check {
  const env = input.env;
  if (!COMPOSE_MARKERS.some((name) => (env[name] ?? '') !== '')) {
    return pass(
      'alerting',
      'not a docker compose .env (no ALERT_* or GRAFANA_ADMIN_PASSWORD): alert delivery is not audited here',
    );
  }
  let where: string;
  let heartbeat: boolean;
  try {
    const r = checkReceivers(env);
    where = `critical -> ${r.critical.join(', ')}; warning -> ${r.warning.join(', ')}`;
    heartbeat = r.heartbeat;
  } catch (err) {
    if (!(err instanceof ReceiverError)) throw err;
    return fail(
      'alerting',
      `${err.message}. Alertmanager refuses to start: alerts reach nobody`,
      'set the ALERT_* receivers in .env (deploy/init.sh and `swml-guard secret --env` ask for them); docs/observability.md',
    );
  }
  const base = env.RUNBOOK_BASE_URL ?? '';
  if (base !== '' && !/^https?:\/\/[^\s/]+/.test(base)) {
    return warn(
      'alerting',
      `${where}; RUNBOOK_BASE_URL is not an absolute URL: runbook links in alerts would not open`,
      'set RUNBOOK_BASE_URL to https://... (the folder holding incident-response.md), or leave it empty',
    );
  }
  if (!heartbeat) {
    return warn(
      'alerting',
      `${where}; no ALERT_HEARTBEAT_URL: if the host dies, nobody is told`,
      "set ALERT_HEARTBEAT_URL to a dead man's switch ping URL (healthchecks.io or similar)",
    );
  }
  return pass('alerting', `${where}; heartbeat set. Check delivery with \`swml-guard alert-test\``);
}
