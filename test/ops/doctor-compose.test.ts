// `doctor --compose` models what docker-compose.yml sets for the agent; this renders the compose file (Compose v1
// `config`, no engine) with a .env from `swml-guard secret --env` and checks the model still matches.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { COMPOSE_DEFAULTS, composeAgentEnv } from '../../src/cli/doctor-compose.js';
import { ROOT } from '../helpers/agent-process.js';
import { requireBinary } from '../helpers/binaries.js';
import { runCli } from '../integration/cli/run-cli.js';

let dockerCompose = '';
before(() => {
  dockerCompose = requireBinary('docker-compose');
});

describe('doctor --compose matches docker-compose.yml', () => {
  it('every value doctor adds is what compose gives the agent for the same .env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swml-doctor-compose-'));
    try {
      const made = await runCli(['secret', '--env', '.env', '--domain', 'agent.example.com'], { cwd: dir });
      assert.equal(made.code, 0, made.stderr);
      const envFile = join(dir, '.env');
      const rendered = spawnSync(
        dockerCompose,
        ['--env-file', envFile, '-f', join(ROOT, 'docker-compose.yml'), 'config'],
        {
          cwd: ROOT,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', HOME: dir },
        },
      );
      assert.equal(rendered.status, 0, rendered.stderr);
      const json = spawnSync(
        'python3',
        ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
        {
          input: rendered.stdout,
          encoding: 'utf8',
        },
      );
      assert.equal(json.status, 0, json.stderr);
      const agentEnv = (
        JSON.parse(json.stdout) as { services: { agent: { environment: Record<string, string> } } }
      ).services.agent.environment;
      const modelled = composeAgentEnv(parseEnv(readFileSync(envFile, 'utf8')));
      assert.ok(Object.keys(modelled).length >= 7);
      for (const [name, value] of Object.entries(modelled)) assert.equal(String(agentEnv[name]), value, name);
      // The defaults for what .env leaves unset: the compose file's AUDIT_LOG_FILE, the image's SWML_STATE_DIR.
      assert.equal(agentEnv.AUDIT_LOG_FILE, COMPOSE_DEFAULTS.AUDIT_LOG_FILE);
      const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
      assert.match(dockerfile, new RegExp(`^ENV SWML_STATE_DIR=${COMPOSE_DEFAULTS.SWML_STATE_DIR}$`, 'm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
