// `swml-guard init [dir]`: scaffold an agent project (like SignalWire's sw-agent-init), never overwriting a file.
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { VERSION } from '../version.js';
import {
  agentFile,
  composeOverride,
  envFile,
  GITIGNORE,
  packageJson,
  readme,
  TSCONFIG,
} from './init-files.js';
import { TEST_FILE } from './init-test-file.js';
import { CliError, parse, type Io } from './output.js';
import { strongSecret } from './secret.js';

export const INIT_HELP = `Usage: swml-guard init [dir] [--name <name>]

Scaffold an agent project in dir (default: the current folder), and write nothing if any file exists:

  agent.ts                  the agent: a prompt, one open tool, one secure tool (token-protected)
  agent.test.ts             its test (node:test): Basic Auth, function token, schema, through createApp
  package.json              scripts start / test / doctor / build; swml-guard, tsx, TypeScript
  tsconfig.json, .gitignore, README.md
  .env                      fresh secrets (Basic Auth password, token secret, admin token), mode 0600
  docker-compose.agent.yml  compose override that mounts the built agent (AGENT_MODULE) into the stack

  --name <name>   the agent and package name (default: the folder name)

Then: cd dir && npm install && npm test && npm start`;

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Creates `path` with `content`, failing if it exists ('wx': atomic, never overwrites). */
function create(path: string, content: string, mode = 0o644): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

export function initCommand(args: string[], io: Io): number {
  const { values, positionals } = parse('init', args, {
    help: { type: 'boolean', short: 'h' },
    name: { type: 'string' },
  });
  if (values.help) return (io.out(INIT_HELP), 0);
  if (positionals.length > 1) throw new CliError('one folder at most', { exitCode: 2 });
  const dir = resolve(io.cwd, positionals[0] ?? '.');
  const name =
    values.name ??
    basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-');
  if (!NAME.test(name)) {
    throw new CliError(`${JSON.stringify(name)} is not a usable agent name`, {
      fix: 'pass --name with lowercase letters, digits, ".", "_" or "-"',
      exitCode: 2,
    });
  }
  const secrets = { password: strongSecret(), tokenSecret: strongSecret(), adminToken: strongSecret() };
  const files: [string, string, number?][] = [
    ['agent.ts', agentFile(name)],
    ['agent.test.ts', TEST_FILE],
    ['package.json', packageJson(name, VERSION)],
    ['tsconfig.json', TSCONFIG],
    ['.gitignore', GITIGNORE],
    ['README.md', readme(name)],
    ['docker-compose.agent.yml', composeOverride(dir)],
    ['.env', envFile(secrets), 0o600],
  ];
  const taken = files.map(([file]) => file).filter((file) => existsSync(join(dir, file)));
  if (taken.length > 0) {
    throw new CliError(`${dir} already has ${taken.join(', ')}; nothing written (init never overwrites)`, {
      fix: 'pick an empty or new folder: `swml-guard init my-agent`',
    });
  }
  mkdirSync(dir, { recursive: true });
  for (const [file, content, mode] of files) create(join(dir, file), content, mode);
  io.out(`Created ${name} in ${dir}:`);
  for (const [file] of files)
    io.out(`  ${file}${file === '.env' ? '  (fresh secrets, mode 600, not printed)' : ''}`);
  io.out();
  io.out('Next:');
  if (positionals[0] !== undefined) io.out(`  cd ${positionals[0]}`);
  io.out('  npm install                                   # swml-guard, tsx, TypeScript');
  io.out('  npm test                                      # the agent through every layer');
  io.out('  npx swml-guard test ./agent.ts --function opening_hours');
  io.out('  npm start                                     # serve it on http://localhost:3000/');
  return 0;
}
