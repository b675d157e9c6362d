// `swml-guard test`: the offline tool tester runs the agent through every layer, in process, with fake call data.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoStack, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'swml-test-verb-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
writeFileSync(
  join(dir, 'bank.ts'),
  `import { createBankAgent } from 'swml-guard';
export default createBankAgent();
`,
);

describe('swml-guard test (offline, in process)', () => {
  it('--list shows each tool, whether it is secure, and its arguments', async () => {
    const r = await runCli(['test', 'bank.ts', '--list'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bank-support .*: 4 tool\(s\)/);
    assert.match(r.stdout, /transfer_funds\s+yes \(token\)\s+amount, to_account\s+/);
    assert.match(r.stdout, /get_balance\s+no\s+-\s+/);
  });

  it('--function calls a secure tool with the token from the SWML and shows the call audit, caller masked', async () => {
    const r = await runCli(
      [
        'test',
        'bank.ts',
        '--function',
        'transfer_funds',
        '--args',
        '{"amount":25,"to_account":"1234567890"}',
        '--caller',
        '+15557654321',
        '--call-id',
        'offline-1',
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /transfer_funds \(secure: called with its function token\) -> HTTP 200/);
    assert.match(r.stdout, /"response": "Transferred \$25 to account 1234567890"/);
    assert.match(r.stdout, /audit log of call offline-1:\n {2}call_start \{"caller":"\*\*\*4321"/);
    assert.match(r.stdout, /function_call \{"function":"transfer_funds".*"outcome":"ok"/);
    assert.ok(!r.stdout.includes('5557654321'), 'the caller number is masked');
  });

  it('refusals show as SignalWire would get them: bad arguments (200, spoken), an emergency block', async () => {
    const bad = await runCli(
      ['test', 'bank.ts', '--function', 'transfer_funds', '--args', '{"amount":"lots"}', '--json'],
      { cwd: dir },
    );
    assert.equal(bad.code, 0, bad.stderr);
    const doc = JSON.parse(bad.stdout);
    assert.match(doc.response.response, /Invalid arguments/);
    assert.equal(
      doc.audit.find((e: { event: string }) => e.event === 'function_call').outcome,
      'invalid_args',
    );
    const blocked = await runCli(
      ['test', 'bank.ts', '--function', 'transfer_funds', '--args', '{"amount":1,"to_account":"1234567890"}'],
      {
        cwd: dir,
        env: { AGENT_EMERGENCY_MODE: 'secure' },
      },
    );
    assert.match(blocked.stdout, /temporarily unavailable/i);
  });

  it('--swml prints the document with credentials and tokens masked', async () => {
    const r = await runCli(['test', 'bank.ts', '--swml'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const urls = JSON.stringify(doc).match(/https?:\/\/[^"]+/g) ?? [];
    assert.ok(urls.length >= 4);
    for (const u of urls)
      assert.match(u, /^http:\/\/\*\*\*:\*\*\*@localhost:3000\/(swaig|post_prompt)(\?__token=\*\*\*)?$/);
  });

  it('usage errors: no mode, an unknown tool, bad --args', async () => {
    const none = await runCli(['test', 'bank.ts'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give one agent module and one of --list, --swml, --function NAME/);
    const unknown = await runCli(['test', 'bank.ts', '--function', 'steal'], { cwd: dir });
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /the agent has no tool "steal"\nfix: use one of: get_balance, transfer_funds/,
    );
    const args = await runCli(['test', 'bank.ts', '--function', 'get_balance', '--args', 'nope'], {
      cwd: dir,
    });
    assert.equal(args.code, 2);
    for (const r of [none, unknown, args]) assertNoStack(r.stderr);
  });
});
