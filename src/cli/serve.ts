// `swml-guard serve [module]`: start an agent module with every layer on (the compose image runs this).
import { serve } from '../http/serve.js';
import { withEnvFile } from './env-file.js';
import { loadAgent } from './load-agent.js';
import { CliError, parse, type Io } from './output.js';

export const SERVE_HELP = `Usage: swml-guard serve [module] [--env-file <path>]

Start an agent with every layer on: Basic Auth, function tokens, rate limits, audit log, metrics.

  module        path of an agent module, TypeScript or JavaScript, relative to the current folder
                (default: $AGENT_MODULE, else the demo bank agent). The module exports
                \`default\` (an AgentBase, or a function returning one, possibly async) or \`agent\`.

  --env-file <path>  settings file read under the environment (default: .env in the current folder,
                     if there is one; a variable already set in the environment wins)

Settings come from the environment and .env (PORT, SWML_BASIC_AUTH_PASSWORD, SWML_TOKEN_SECRET, ...; see README).
Exit code 78 on a configuration error. SIGTERM/SIGINT drain in-flight requests, then exit.

Examples:
  swml-guard serve
  swml-guard serve ./agent.ts
  AGENT_MODULE=dist/agent.js NODE_ENV=production swml-guard serve`;

export async function serveCommand(args: string[], cliIo: Io): Promise<number | undefined> {
  const { values, positionals } = parse('serve', args, {
    help: { type: 'boolean', short: 'h' },
    'env-file': { type: 'string' },
  });
  if (values.help) {
    cliIo.out(SERVE_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    cliIo.err(
      `swml-guard serve: one module at most; got ${positionals.length}. Run \`swml-guard serve --help\`.`,
    );
    return 2;
  }
  const io = withEnvFile(cliIo, values['env-file'], true);
  const { agent } = await loadAgent(positionals[0] ?? io.env.AGENT_MODULE, io.cwd);
  // ConfigError propagates: the entry point prints its message and exits 78.
  try {
    await serve(agent, { env: io.env });
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new CliError(`cannot listen: ${message}`, {
        fix: 'choose a free port and a local address with PORT / HOST and METRICS_PORT / METRICS_HOST',
      });
    }
    throw err;
  }
  return undefined;
}
