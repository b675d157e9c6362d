import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/agent-process.js';
import { assertNoStack, runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-secret-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** KEY=value lines of an env file (comments skipped). */
function parseEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

describe('swml-guard secret (subprocess)', () => {
  it('prints one strong random secret: 48 bytes base64url, different each time', async () => {
    const a = await runCli(['secret']);
    const b = await runCli(['secret']);
    assert.equal(a.code, 0);
    assert.match(a.stdout, /^[A-Za-z0-9_-]{64}\n$/);
    assert.notEqual(a.stdout, b.stdout);
  });

  it('--env writes every secret of deploy/env.template, fresh and distinct, mode 0600', async () => {
    const file = join(tmp, '.env');
    const r = await runCli(['secret', '--env', file, '--domain', 'agent.example.com']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Wrote .*\.env \(mode 600\)/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /__[A-Z_<>]+__/, 'no placeholder left');
    assert.doesNotMatch(text, /^#!/m, 'template notes dropped');
    const env = parseEnv(text);
    assert.equal(env.get('SWML_DOMAIN'), 'agent.example.com');
    // Every variable the template fills with a secret placeholder.
    const template = readFileSync(join(ROOT, 'deploy/env.template'), 'utf8');
    const secretVars = [...template.matchAll(/^([A-Z_0-9]+)=__SECRET_[A-Z0-9_]+__$/gm)].map((m) => m[1]!);
    assert.ok(secretVars.includes('SWML_BASIC_AUTH_PASSWORD') && secretVars.includes('SWML_TOKEN_SECRET'));
    assert.ok(secretVars.includes('SWML_ADMIN_TOKEN'));
    const values = secretVars.map((name) => env.get(name) ?? '');
    for (const [i, v] of values.entries())
      assert.ok(v.length >= 32, `${secretVars[i]} has ${v.length} chars`);
    assert.equal(new Set(values).size, values.length, 'secrets are distinct');
    for (const v of values) assert.ok(!r.stdout.includes(v), 'secrets are not printed');
  });

  it('refuses to overwrite an existing file and leaves it untouched', async () => {
    const file = join(tmp, 'existing.env');
    writeFileSync(file, 'SWML_TOKEN_SECRET=in-use\n');
    const r = await runCli(['secret', '--env', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /already exists; not overwriting it/);
    assert.match(r.stderr, /fix: move it away first/);
    assertNoStack(r.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'SWML_TOKEN_SECRET=in-use\n');
  });

  it('writes .env relative to the current folder (npm run setup) and rejects a bad domain', async () => {
    const r = await runCli(['secret', '--env', 'rel.env'], { cwd: tmp });
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(tmp, 'rel.env'), 'utf8'), /^SWML_DOMAIN=localhost$/m);
    const bad = await runCli(['secret', '--env', join(tmp, 'bad.env'), '--domain', 'evil.com/x']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid domain/);
  });
});
