// A newcomer's first hour, scripted: a fresh git clone runs the README's quick start and minimal agent with no
// build step; a stale dist/ is never used silently; `npm pack` ships a package whose README agent runs from an
// empty folder; `swml-guard init` there gives a project whose own test passes. Prints the clone-to-first-call
// time. The clone reuses this checkout's node_modules through a symlink instead of `npm ci` (same lockfile, same
// tree: `.ci/run` made it with `npm ci` seconds before); set PACKAGE_TEST_NPM_CI=1 to run a real `npm ci`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, ROOT } from '../helpers/agent-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-newcomer-'));
const clone = join(tmp, 'clone');
const app = join(tmp, 'app');
const started = Date.now();
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const baseEnv = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? tmp,
  NO_COLOR: '1',
  npm_config_update_notifier: 'false',
};

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The README's minimal agent, taken from README.md itself so the test follows the text as written. */
function readmeAgent(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## A minimal agent\n+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block?.includes("from 'swml-guard'"), 'README has the minimal agent block');
  return block ?? '';
}

/** Runs a long-lived command, waits for the development block, and returns the printed URL and password. */
async function serveAndReadBlock(cmd: string, args: string[], cwd: string) {
  const child = spawn(cmd, args, {
    cwd,
    env: {
      ...baseEnv,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const stop = () => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    await eventually(
      'the development block',
      () => /SWML_BASIC_AUTH_PASSWORD='[^']+' npx swml-guard call/.test(out) || child.exitCode !== null,
      90_000,
    );
  } catch (err) {
    stop();
    throw new Error(`${String(err)}\n${out}`);
  }
  const m = /SWML_BASIC_AUTH_PASSWORD='([^']+)' npx swml-guard call (\S+)/.exec(out);
  if (!m) {
    stop();
    throw new Error(`no development block:\n${out}`);
  }
  return { password: m[1]!, url: m[2]!, stop, output: () => out };
}

async function swml(url: string, password: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`signalwire:${password}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ call: { call_id: 'newcomer-1', from: '+15550100000' } }),
  });
  assert.equal(res.status, 200);
  const doc = (await res.json()) as {
    sections: { main: { ai?: { SWAIG: { functions: { function: string; web_hook_url?: string }[] } } }[] };
  };
  return doc.sections.main.find((s) => s.ai)?.ai?.SWAIG.functions ?? [];
}

const npx = (cwd: string, args: string[]) => run(NPM, ['exec', '--no', '--', 'swml-guard', ...args], cwd);

describe('a newcomer from a fresh clone', () => {
  before(() => {
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    if (process.env.PACKAGE_TEST_NPM_CI === '1') run(NPM, ['ci', '--no-audit', '--no-fund'], clone);
    else symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('README quick start: npm start prints the block, and its call command works', async () => {
    const agent = await serveAndReadBlock(NPM, ['start'], clone);
    try {
      const r = run(
        process.execPath,
        [join(clone, 'bin/swml-guard.js'), 'call', agent.url, '--function', 'get_balance'],
        clone,
        {
          SWML_BASIC_AUTH_PASSWORD: agent.password,
        },
      );
      assert.match(r.stdout, /Your balance is/);
    } finally {
      agent.stop();
    }
  });

  it('README minimal agent: `npx swml-guard serve ./my-agent.ts` with no build, then its first secure call', async () => {
    writeFileSync(join(clone, 'my-agent.ts'), readmeAgent());
    assert.deepEqual(readdirSync(clone).includes('dist'), false, 'no build happened');
    const agent = await serveAndReadBlock(
      NPM,
      ['exec', '--no', '--', 'swml-guard', 'serve', './my-agent.ts'],
      clone,
    );
    try {
      const tools = await swml(agent.url, agent.password);
      assert.deepEqual(
        tools.map((t) => t.function),
        ['order_status', 'refund'],
      );
      const r = run(
        process.execPath,
        [
          join(clone, 'bin/swml-guard.js'),
          'call',
          agent.url,
          '--function',
          'refund',
          '--args',
          '{"order_id":"12345678"}',
        ],
        clone,
        {
          SWML_BASIC_AUTH_PASSWORD: agent.password,
        },
      );
      assert.match(r.stdout, /Your refund is on its way\./);
      console.log(
        `# clone to the first call of one's own agent: ${((Date.now() - started) / 1000).toFixed(1)} s (wall clock, this machine)`,
      );
    } finally {
      agent.stop();
    }
  });

  it('an agent file in the repository root is outside lint, format and type-check scope', () => {
    run(NPM, ['exec', '--no', '--', 'eslint', '--no-warn-ignored', 'my-agent.ts'], clone);
    run(NPM, ['exec', '--no', '--', 'prettier', '--check', 'my-agent.ts'], clone);
  });

  it('npm pack ships a package: the README agent runs from an empty folder, and init gives a passing project', async () => {
    // A package asking for a newer Node than this one (engines may move to >=22): npm only warns (EBADENGINE).
    run(NPM, ['pkg', 'set', 'engines.node=>=99'], clone);
    const packed = run(NPM, ['pack', '--pack-destination', tmp], clone).stdout.trim().split('\n').pop() ?? '';
    assert.match(packed, /^swml-guard-.*\.tgz$/);
    mkdirSync(app);
    const tsxVersion = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/tsx/package.json'), 'utf8')) as { version: string }
    ).version;
    const installed = run(
      NPM,
      ['install', '--no-audit', '--no-fund', '--prefer-offline', join(tmp, packed), `tsx@${tsxVersion}`],
      app,
    );
    assert.match(installed.stderr, /EBADENGINE/, 'npm warned about engines, and the install still succeeded');
    run(NPM, ['pkg', 'set', 'type=module'], app);
    writeFileSync(join(app, 'my-agent.ts'), readmeAgent());
    const offline = npx(app, [
      'test',
      './my-agent.ts',
      '--function',
      'refund',
      '--args',
      '{"order_id":"12345678"}',
    ]);
    assert.match(offline.stdout, /Your refund is on its way\./);
    const agent = await serveAndReadBlock(
      NPM,
      ['exec', '--no', '--', 'swml-guard', 'serve', './my-agent.ts'],
      app,
    );
    try {
      assert.deepEqual(
        (await swml(agent.url, agent.password)).map((t) => t.function),
        ['order_status', 'refund'],
      );
    } finally {
      agent.stop();
    }
    npx(app, ['init', 'svc']);
    const test = run(NPM, ['test'], join(app, 'svc'));
    assert.match(test.stdout, /# pass 3\n# fail 0/);
  });
  it('after a build (the one npm pack made), source edits are used and a stale dist/ refuses to load', () => {
    const demo = join(clone, 'src/demo/bank-agent.ts');
    writeFileSync(
      demo,
      readFileSync(demo, 'utf8').replace('Your balance is $150.00', 'Your balance is $151.00'),
    );
    writeFileSync(
      join(clone, 'bank.ts'),
      "import { createBankAgent } from 'swml-guard';\nexport default createBankAgent();\n",
    );
    assert.match(
      npx(clone, ['test', './bank.ts', '--function', 'get_balance']).stdout,
      /Your balance is \$151\.00/,
    );
    const plain = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('swml-guard')"], {
      cwd: clone,
      encoding: 'utf8',
    });
    assert.notEqual(plain.status, 0);
    assert.match(
      plain.stderr,
      /dist\/ is older than src\/ \(src\/demo\/bank-agent\.ts changed after the last build\)/,
    );
  });
});
