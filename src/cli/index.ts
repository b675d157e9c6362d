// The `swml-guard` command: one verb per file; this file only dispatches and turns failures into exit codes.
import { createInterface } from 'node:readline/promises';
import { assertFreshBuild } from '../build-check.js';
import { ConfigError } from '../config/index.js';
import { VERSION } from '../version.js';
import { colors, CliError, wantsColor, type Io } from './output.js';

assertFreshBuild(import.meta.url);

type Verb = (args: string[], io: Io) => number | undefined | Promise<number | undefined>;

const VERBS: Record<string, () => Promise<Verb>> = {
  serve: async () => (await import('./serve.js')).serveCommand,
  doctor: async () => (await import('./doctor.js')).doctorCommand,
  secret: async () => (await import('./secret.js')).secretCommand,
  call: async () => (await import('./call.js')).callCommand,
  emergency: async () => (await import('./admin.js')).emergencyCommand,
  status: async () => (await import('./admin.js')).statusCommand,
  'alert-test': async () => (await import('./alert-test.js')).alertTestCommand,
  tool: async () => (await import('./admin-tool.js')).toolCommand,
  test: async () => (await import('./test-agent.js')).testCommand,
  init: async () => (await import('./init.js')).initCommand,
};

export const USAGE = `swml-guard ${VERSION}: run, audit, test and steer a SignalWire voice-AI agent

Usage: swml-guard <command> [options]

Commands:
  init [dir]                       scaffold an agent project: agent, test, .env, compose override
  serve [module]                   start an agent module (default: the demo bank agent)
  test <module>                    try an agent offline: --list, --swml, --function NAME --args JSON
  doctor [module]                  audit the configuration against the production checklist
  doctor --url <url>               audit a live deployment from outside (HTTPS, HSTS, auth, exposure)
  secret [--env <path>]            print a strong random secret, or write a .env with fresh secrets
  call <url>                       act as SignalWire: fetch the SWML, list tools, invoke one, --end
  emergency <off|secure|all>       switch emergency mode at runtime (admin endpoint)
  tool <disable|enable> <name>     turn one tool off or on at runtime (admin endpoint)
  status                           show emergency mode and tool states (admin endpoint)
  alert-test                       send a test alert through Alertmanager: does it reach you?

Run \`swml-guard <command> --help\` for a command's options. Full reference: docs/cli.md`;

/** Runs the CLI; resolves with the exit code (the caller exits, so servers keep running). */
export async function main(argv: string[], io: Io): Promise<number | undefined> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (verb === 'help' || verb === '--help' || verb === '-h') {
    io.out(USAGE);
    return 0;
  }
  if (verb === '--version' || verb === '-v' || verb === 'version') {
    io.out(VERSION);
    return 0;
  }
  const load = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
  try {
    if (!load) {
      throw new CliError(`unknown command ${JSON.stringify(verb)}`, {
        fix: `use one of: ${Object.keys(VERBS).join(', ')} (see \`swml-guard --help\`)`,
        exitCode: 2,
      });
    }
    return await (
      await load()
    )(rest, io);
  } catch (err) {
    const where = load ? `swml-guard ${verb}` : 'swml-guard';
    if (err instanceof CliError) {
      io.err(`${io.color.red(`${where}:`)} ${err.message}`);
      if (err.fix) io.err(`${io.color.dim('fix:')} ${err.fix}`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      io.err(`${io.color.red(`${where}:`)} ${err.message}`);
      return err.exitCode;
    }
    // Unexpected: one line, no stack (set DEBUG=swml-guard to see it).
    const message = err instanceof Error ? err.message : String(err);
    io.err(`${io.color.red(`${where}:`)} unexpected error: ${message}`);
    if (io.env.DEBUG?.includes('swml-guard') && err instanceof Error) io.err(err.stack);
    return 1;
  }
}

/** One question on the terminal (prompt on stderr, so stdout stays the command's output). */
async function askTerminal(question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<string | undefined>((resolve) => {
      rl.once('close', () => resolve(undefined));
      rl.question(question).then(resolve, () => resolve(undefined));
    });
  } finally {
    rl.close();
  }
}

function defaultIo(): Io {
  return {
    out: (line = '') => process.stdout.write(`${line}\n`),
    err: (line = '') => process.stderr.write(`${line}\n`),
    color: colors(wantsColor(process.stdout, process.env)),
    env: process.env,
    cwd: process.cwd(),
    ...(process.stdin.isTTY ? { ask: askTerminal } : {}),
  };
}

const code = await main(process.argv.slice(2), defaultIo());
if (code !== undefined) process.exitCode = code;
