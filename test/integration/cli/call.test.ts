import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAgentProcess, type AgentProcess } from '../../helpers/agent-process.js';
import { assertNoStack, runCli } from './run-cli.js';

describe('swml-guard call (subprocess, against a real agent on 127.0.0.1)', () => {
  let agent: AgentProcess;
  before(async () => {
    agent = await startAgentProcess({ env: { LOG_LEVEL: 'warn' } });
  });
  after(() => agent.stop());

  const creds = () => ({ SWML_BASIC_AUTH_PASSWORD: agent.password });
  const secrets = () => [agent.password, agent.tokenSecret, agent.adminToken];

  it('lists the tools with secure ones marked and webhook URLs masked', async () => {
    const r = await runCli(['call', `${agent.baseUrl}/`], { env: creds() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 tool\(s\)/);
    assert.match(
      r.stdout,
      /transfer_funds\s+yes \(token\)\s+http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/swaig\?__token=\*\*\*/,
    );
    assert.match(r.stdout, /get_balance\s+no\s+http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/swaig\n/);
    for (const s of secrets()) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s));
    assert.ok(!/__token=[^*]/.test(r.stdout), 'no token value printed');
  });

  it('invokes the secure tool transfer_funds with its token and prints the response', async () => {
    const r = await runCli(
      [
        'call',
        `${agent.baseUrl}/`,
        '--function',
        'transfer_funds',
        '--args',
        '{"amount":25,"to_account":"1234567890"}',
        '--call-id',
        'cli-call-1',
        '--caller',
        '+15551234567',
      ],
      { env: creds() },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"response": "Transferred \$25 to account 1234567890"/);
    const audit = agent.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e.event === 'function_call' && e.call_id === 'cli-call-1');
    assert.equal(audit?.outcome, 'ok');
  });

  it('takes credentials from the URL userinfo and prints JSON with --json', async () => {
    const url = new URL(`${agent.baseUrl}/`);
    url.username = agent.user;
    url.password = encodeURIComponent(agent.password);
    const r = await runCli(['call', url.toString(), '--function', 'get_balance', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.result.response.response, 'Your balance is $150.00');
    assert.deepEqual(
      doc.tools.map((t: { name: string; secure: boolean }) => [t.name, t.secure]),
      [
        ['get_balance', false],
        ['transfer_funds', true],
        ['change_password', true],
        ['delete_account', true],
      ],
    );
    assert.ok(!r.stdout.includes(agent.password));
  });

  it('fails cleanly with wrong credentials: non-zero, the status, the fix, no stack', async () => {
    const r = await runCli(['call', `${agent.baseUrl}/`, '--function', 'transfer_funds', '--args', '{}'], {
      env: { SWML_BASIC_AUTH_PASSWORD: 'wrong-password-0123456789-abcdefghijkl' },
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^swml-guard call: POST http:\/\/127\.0\.0\.1:\d+\/ answered 401 Unauthorized: \{"error":"unauthorized"\}\nfix: check the credentials/,
    );
    assertNoStack(r.stderr);
    assert.ok(!r.stderr.includes('wrong-password'));
  });

  it('fails cleanly on a bad tool name, bad --args and an unreachable agent', async () => {
    const unknown = await runCli(['call', `${agent.baseUrl}/`, '--function', 'steal_money'], {
      env: creds(),
    });
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /lists no tool "steal_money"[\s\S]*fix: use one of: get_balance, transfer_funds/,
    );
    const badArgs = await runCli(['call', `${agent.baseUrl}/`, '--function', 'get_balance', '--args', '[1'], {
      env: creds(),
    });
    assert.equal(badArgs.code, 2);
    assert.match(badArgs.stderr, /--args must be a JSON object/);
    const down = await runCli(['call', 'http://127.0.0.1:9/'], { env: creds() });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /ECONNREFUSED[\s\S]*fix: is the agent running/);
    for (const r of [unknown, badArgs, down]) assertNoStack(r.stderr);
  });
});
