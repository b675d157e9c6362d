import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentProcess, type AgentProcess } from '../../helpers/agent-process.js';
import { assertNoStack, runCli } from './run-cli.js';

describe('swml-guard emergency / status (subprocess, against a real agent)', () => {
  let agent: AgentProcess;
  const tmp = mkdtempSync(join(tmpdir(), 'swml-admin-'));
  before(async () => {
    agent = await startAgentProcess({ env: { LOG_LEVEL: 'warn' } });
  });
  after(async () => {
    await agent.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const adminEnv = () => ({ SWML_ADMIN_TOKEN: agent.adminToken, METRICS_PORT: String(agent.metricsPort) });
  const transfer = () =>
    runCli(
      [
        'call',
        `${agent.baseUrl}/`,
        '--function',
        'transfer_funds',
        '--args',
        '{"amount":5,"to_account":"1234567890"}',
        '--json',
      ],
      {
        env: { SWML_BASIC_AUTH_PASSWORD: agent.password },
      },
    );

  it('status reports mode off and every tool answering', async () => {
    const r = await runCli(['status'], { env: adminEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^emergency mode: off/);
    assert.match(r.stdout, /transfer_funds\s+yes\s+yes\s+answering/);
  });

  it('emergency secure switches the mode; the agent then blocks the secure tool; off restores it', async () => {
    const on = await runCli(['emergency', 'secure', '--reason', 'cli test'], { env: adminEnv() });
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /^emergency mode: secure/);
    assert.match(on.stdout, /transfer_funds\s+yes\s+yes\s+blocked/);
    assert.match(on.stdout, /get_balance\s+no\s+yes\s+answering/);

    const status = await runCli(
      ['status', '--json', '--admin-url', `http://127.0.0.1:${agent.metricsPort}`],
      {
        env: { SWML_ADMIN_TOKEN: agent.adminToken },
      },
    );
    assert.equal(JSON.parse(status.stdout).level, 'secure');

    const blocked = await transfer();
    assert.equal(blocked.code, 0, blocked.stderr);
    assert.equal(
      JSON.parse(blocked.stdout).result.response.response,
      'This service is temporarily unavailable.',
    );
    const audit = agent.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(
      audit.some((e) => e.event === 'emergency_mode_changed' && e.to === 'secure' && e.reason === 'cli test'),
    );

    const off = await runCli(['emergency', 'off'], { env: adminEnv() });
    assert.match(off.stdout, /^emergency mode: off/);
    assert.equal(
      JSON.parse((await transfer()).stdout).result.response.response,
      'Transferred $5 to account 1234567890',
    );
  });

  it('reads the token from --token-file', async () => {
    const file = join(tmp, 'admin-token');
    writeFileSync(file, `${agent.adminToken}\n`, { mode: 0o600 });
    const r = await runCli(['status', '--token-file', file], {
      env: { METRICS_PORT: String(agent.metricsPort) },
    });
    assert.equal(r.code, 0, r.stderr);
  });

  it('fails cleanly: wrong token (401 + fix), no token, bad level; never prints the token', async () => {
    const wrong = await runCli(['emergency', 'all'], {
      env: {
        SWML_ADMIN_TOKEN: 'wrong-admin-token-0123456789abcdefghijkl',
        METRICS_PORT: String(agent.metricsPort),
      },
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /answered 401 Unauthorized[\s\S]*fix: the admin token is wrong/);
    assert.ok(!wrong.stderr.includes('wrong-admin-token'));
    const none = await runCli(['status'], { env: { METRICS_PORT: String(agent.metricsPort) } });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no admin token\nfix: set SWML_ADMIN_TOKEN/);
    const level = await runCli(['emergency', 'panic'], { env: adminEnv() });
    assert.equal(level.code, 2);
    assert.match(level.stderr, /expected one level, off, secure or all; got "panic"/);
    for (const r of [wrong, none, level]) assertNoStack(r.stderr);
    const still = await runCli(['status', '--json'], { env: adminEnv() });
    assert.equal(JSON.parse(still.stdout).level, 'off', 'a refused switch changed nothing');
  });
});
