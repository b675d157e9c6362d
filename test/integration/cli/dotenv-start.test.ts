// `npm start` / `swml-guard serve` / `doctor` read .env in the working folder (the environment wins), and the
// generated development password comes as a framed block whose command works exactly as printed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, ROOT } from '../../helpers/agent-process.js';
import { runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-dotenv-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Starts `args` (node) in `cwd` with only `env`; resolves once the listening line is out. */
async function start(cwd: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: tmp, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  await eventually(
    'the listening line',
    () => out.includes('swml-guard listening') || child.exitCode !== null,
    60_000,
  );
  const listening = JSON.parse(out.split('\n').find((l) => l.includes('swml-guard listening')) ?? '{}') as {
    url?: string;
    port?: number;
  };
  return {
    listening,
    output: () => out,
    stop: () =>
      new Promise((r) =>
        child.exitCode !== null ? r(null) : (child.once('exit', r), child.kill('SIGTERM')),
      ),
  };
}

const ports = async () => ({ PORT: String(await freePort()), METRICS_PORT: String(await freePort()) });

describe('npm start without settings: the development block', () => {
  it('is framed, names the listen URL the log line names, and its command works as printed', async () => {
    const agent = await start(tmp, [`${ROOT}src/main.ts`], await ports());
    try {
      await eventually('the block', () =>
        /={20,}\n\n?/.test(agent.output().split('development credentials')[1] ?? ''),
      );
      const block = agent.output();
      assert.match(block, /\n={60,}\nswml-guard: development credentials \(generated for this run only\)\n/);
      const url = /\n {2}agent {5}(\S+)\n/.exec(block)?.[1];
      assert.equal(url, `http://localhost:${agent.listening.port}/`);
      assert.equal(agent.listening.url, url, 'the log line and the block agree');
      const command =
        /\n {4}SWML_BASIC_AUTH_PASSWORD='([^']+)' npx swml-guard (call \S+ --function get_balance)\n/.exec(
          block,
        );
      assert.ok(command, block);
      const r = await runCli(command[2]!.split(' '), { env: { SWML_BASIC_AUTH_PASSWORD: command[1] } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Your balance is/);
    } finally {
      await agent.stop();
    }
  });
});

describe('.env in the working folder', () => {
  const password = 'dotenv-password-0123456789-abcdefghijklmn';
  const dir = join(tmp, 'project');

  it('npm start and swml-guard serve use it, and a variable set in the environment wins', async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(
      join(dir, '.env'),
      `SWML_BASIC_AUTH_USER=from-file\nSWML_BASIC_AUTH_PASSWORD=${password}\nSWML_TOKEN_SECRET=dotenv-token-secret-0123456789-abcdefghij\n`,
    );
    for (const args of [[`${ROOT}src/main.ts`], [`${ROOT}bin/swml-guard.js`, 'serve']]) {
      const agent = await start(dir, args, { ...(await ports()), SWML_BASIC_AUTH_USER: 'from-env' });
      try {
        assert.ok(!agent.output().includes('development credentials'), 'no generated password');
        const url = agent.listening.url ?? '';
        const fromEnv = await runCli(['call', url, '--user', 'from-env'], {
          env: { SWML_BASIC_AUTH_PASSWORD: password },
        });
        assert.equal(fromEnv.code, 0, `${args.join(' ')}: ${fromEnv.stderr}`);
        const fromFile = await runCli(['call', url, '--user', 'from-file'], {
          env: { SWML_BASIC_AUTH_PASSWORD: password },
        });
        assert.match(fromFile.stderr, /answered 401/, 'the environment beat the file');
      } finally {
        await agent.stop();
      }
    }
  });

  it('doctor reads it, and audits the compose .env as compose runs it (HTTPS through Caddy)', async () => {
    const stack = join(tmp, 'stack');
    mkdirSync(stack);
    copyFileSync(join(ROOT, 'docker-compose.yml'), join(stack, 'docker-compose.yml'));
    const setup = await runCli(['secret', '--env', '.env', '--domain', 'agent.example.com'], { cwd: stack });
    assert.equal(setup.code, 0, setup.stderr);
    const auto = await runCli(['doctor', '--json'], { cwd: stack });
    const doc = JSON.parse(auto.stdout) as { mode: string; checks: { id: string; status: string }[] };
    const status = Object.fromEntries(doc.checks.map((c) => [c.id, c.status]));
    assert.equal(doc.mode, 'compose');
    assert.equal(status.https, 'pass');
    assert.equal(status.production_mode, 'pass');
    assert.equal(status.metrics_bind, 'pass');
    assert.equal(status.basic_auth, 'pass', 'the secrets came from .env');
    const plain = JSON.parse(
      (await runCli(['doctor', '--json', '--no-compose'], { cwd: stack })).stdout,
    ) as typeof doc;
    assert.equal(plain.mode, 'local');
    assert.equal(plain.checks.find((c) => c.id === 'https')?.status, 'fail');
    const text = await runCli(['doctor'], { cwd: stack });
    assert.match(text.stderr, /read \d+ setting\(s\) from .*\.env/);
    assert.match(text.stdout, /as the docker compose stack runs it/);
  });
});
