import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VERSION } from '../../../src/version.js';
import { assertNoStack, runCli } from './run-cli.js';

describe('swml-guard help and usage errors (subprocess)', () => {
  it('every verb has --help (exit 0, its usage line)', async () => {
    const verbs = [
      'init',
      'serve',
      'test',
      'doctor',
      'secret',
      'call',
      'emergency',
      'tool',
      'status',
      'alert-test',
    ];
    const results = await Promise.all(verbs.map((v) => runCli([v, '--help'])));
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 0, verbs[i]);
      assert.match(r.stdout, new RegExp(`^Usage: swml-guard ${verbs[i]}`), verbs[i]);
    }
  });

  it('top-level help, version, no command, unknown command, unknown option', async () => {
    const [help, version, none, unknown, option] = await Promise.all([
      runCli(['--help']),
      runCli(['--version']),
      runCli([]),
      runCli(['deploy']),
      runCli(['status', '--tokn', 'x']),
    ]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Commands:\n {2}init \[dir\] +scaffold an agent project/);
    assert.equal(version.stdout, `${VERSION}\n`);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^swml-guard .*\n\nUsage: swml-guard <command>/);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /^swml-guard: unknown command "deploy"\nfix: use one of: serve, doctor, secret, call, emergency, status/,
    );
    assert.equal(option.code, 2);
    assert.match(
      option.stderr,
      /^swml-guard status: Unknown option '--tokn'.*\nfix: run `swml-guard status --help`/,
    );
    for (const r of [none, unknown, option]) assertNoStack(r.stderr);
  });
});
