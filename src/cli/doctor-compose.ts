// What docker-compose.yml adds to the agent's settings on top of .env, so `doctor` audits the stack as it runs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from './output.js';

/**
 * The agent service's fixed `environment:` entries in docker-compose.yml (test/ops/doctor-compose.test.ts
 * renders the compose file and checks this stays equal). They beat both .env and the shell: compose
 * writes them literally. HTTPS ends at Caddy, which is the one trusted hop, and the public base is fixed.
 */
export function composeAgentEnv(env: Env): Record<string, string> {
  const fixed: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '0.0.0.0',
    PORT: '3000',
    // The agent's own address on the `metrics` network (docs/deployment.md, "Networks").
    METRICS_HOST: 'agent-metrics',
    METRICS_PORT: '9464',
    SWML_TRUST_PROXY: '1',
  };
  const domain = env.SWML_DOMAIN?.trim();
  if (domain) fixed.SWML_PROXY_URL_BASE = `https://${domain}`;
  return fixed;
}

/**
 * Defaults the stack gives the agent when `.env` leaves them unset: the audit file on the `agent_audit`
 * volume (`${AUDIT_LOG_FILE:-...}` in docker-compose.yml) and the revocation store on `agent_state` (the
 * image's `ENV SWML_STATE_DIR`). Checked against both files by test/ops/doctor-compose.test.ts.
 */
export const COMPOSE_DEFAULTS: Readonly<Record<string, string>> = {
  AUDIT_LOG_FILE: '/var/log/swml-guard/%h/audit.log',
  SWML_STATE_DIR: '/var/lib/swml-guard',
};

/** Variables only the compose stack uses: a .env holding them was written for compose (deploy/init.sh). */
const COMPOSE_ONLY = /^(GRAFANA_ADMIN_PASSWORD|ALERT_[A-Z_]+|REDIS_PASSWORD)=/m;

/**
 * Auto-detection: a docker-compose.yml in the folder, and a .env written for it. A plain `npm start` setup
 * (no compose variables in .env) is audited as it is. `--compose` / `--no-compose` decide explicitly.
 */
export function looksLikeCompose(cwd: string, envFile = '.env'): boolean {
  if (!existsSync(join(cwd, 'docker-compose.yml'))) return false;
  try {
    return COMPOSE_ONLY.test(readFileSync(join(cwd, envFile), 'utf8'));
  } catch {
    return false;
  }
}
