// `swml-guard init`: the scaffold is complete, its secrets are fresh and private, nothing is ever
// overwritten, and the scaffold's own test passes (the packed-tarball suite runs it with npm too).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ROOT } from '../../helpers/agent-process.js';
import { assertNoStack, runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-init-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** In a clone, `swml-guard` is the sources: the same mapping the bin installs, for a plain `node --test`. */
const SOURCES_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, n) { return n(s === "swml-guard" ? ${JSON.stringify(`file://${ROOT}src/index.ts`)} : s, c); }'));`,
)}`;

describe('swml-guard init', () => {
  it('scaffolds an agent project whose own test passes', async () => {
    const r = await runCli(['init', 'pizza-line'], { cwd: tmp });
    assert.equal(r.code, 0, r.stderr);
    const dir = join(tmp, 'pizza-line');
    for (const f of [
      'agent.ts',
      'agent.test.ts',
      'package.json',
      'tsconfig.json',
      '.gitignore',
      'README.md',
      'docker-compose.agent.yml',
      '.env',
    ])
      assert.ok(statSync(join(dir, f)).isFile(), f);
    assert.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600);
    const env = parseEnv(readFileSync(join(dir, '.env'), 'utf8'));
    for (const name of ['SWML_BASIC_AUTH_PASSWORD', 'SWML_TOKEN_SECRET', 'SWML_ADMIN_TOKEN']) {
      assert.match(env[name] ?? '', /^[A-Za-z0-9_-]{64}$/, name);
      assert.ok(!r.stdout.includes(env[name] ?? '-'), `${name} is not printed`);
    }
    assert.equal(
      new Set([env.SWML_BASIC_AUTH_PASSWORD, env.SWML_TOKEN_SECRET, env.SWML_ADMIN_TOKEN]).size,
      3,
    );
    assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^\.env$/m);
    const compose = readFileSync(join(dir, 'docker-compose.agent.yml'), 'utf8');
    assert.match(compose, /AGENT_MODULE: \/app\/agents\/agent\.js/);
    assert.ok(compose.includes(`- ${dir}/dist:/app/agents:ro`));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'pizza-line');
    assert.equal(pkg.type, 'module');

    // Its own test, exactly the `npm test` script, with this clone's tsx and sources.
    const test = spawnSync(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--import', SOURCES_HOOK, '--test', 'agent.test.ts'],
      { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmp }, timeout: 120_000 },
    );
    assert.equal(test.status, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /# pass 3\n# fail 0/);

    // The offline tester on the scaffold: its secure tool through the whole pipeline.
    const tried = await runCli(
      ['test', './agent.ts', '--function', 'book_appointment', '--args', '{"day":"friday","time":"09:15"}'],
      { cwd: dir },
    );
    assert.equal(tried.code, 0, tried.stderr);
    assert.match(tried.stdout, /Booked for friday at 09:15\./);
  });

  it('never overwrites: a second init changes nothing and names the files in the way', async () => {
    const dir = join(tmp, 'taken');
    assert.equal((await runCli(['init', dir])).code, 0);
    writeFileSync(join(dir, 'agent.ts'), '// mine\n');
    const envBefore = readFileSync(join(dir, '.env'), 'utf8');
    const again = await runCli(['init', dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already has agent\.ts, agent\.test\.ts, .*\.env; nothing written/);
    assert.equal(readFileSync(join(dir, 'agent.ts'), 'utf8'), '// mine\n');
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), envBefore);
    assertNoStack(again.stderr);
  });
});
