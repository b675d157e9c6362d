// `swml-guard test <module>`: try an agent offline, like SignalWire's swaig-test, through the full pipeline
// (Basic Auth, function token, schema, limits, audit) in this process: no port, no secrets to set.
import { createApp } from '../http/app.js';
import { fakeCall, swaigRequest, swmlRequest } from './fake-call.js';
import { inProcessClient } from './in-process.js';
import { loadAgent } from './load-agent.js';
import { CliError, maskUrl, parse, tryJson, type Io } from './output.js';
import { parseArgsJson, toolsOf } from './call-swml.js';
import { strongSecret } from './secret.js';
import { printList, printResult } from './test-output.js';

export const TEST_HELP = `Usage: swml-guard test <module> (--list | --swml | --function NAME [--args JSON]) [options]

Run an agent module in this process and play SignalWire against it, with made-up call data (a phone call
from --caller): every layer runs as in production (Basic Auth, the function token minted into the SWML,
argument schema, rate and call limits, audit log). No port is opened; fresh secrets are generated for the
run and never printed.

  --list               the tools: name, secure or not, description, arguments
  --swml               the SWML document for a call (credentials and tokens masked)
  --function <name>    call one tool the way SignalWire does: fetch the SWML, then POST the tool's own
                       webhook URL (its token included) with a SWAIG envelope; prints the answer and the
                       audit events of the call
  --args <json>        the tool's arguments as a JSON object (default {})
  --call-id <id>       the call's id (default: a random UUID)
  --caller <number>    the caller's number (default +15550100000)
  --json               one JSON document instead of text

Settings come from the environment as for \`serve\` (limits, emergency mode...), except the secrets (generated),
REDIS_URL and AUDIT_LOG_FILE (off) and TLS (off). Exit 0 when the tool answered 200, 1 otherwise.

Examples:
  swml-guard test ./my-agent.ts --list
  swml-guard test ./my-agent.ts --function refund --args '{"order_id":"12345678"}'`;

/** Log lines of the run, kept in memory: the audit events are shown with the answer. */
function memoryLog(): { write(line: string): void; lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) };
}

export async function testCommand(args: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse('test', args, {
    help: { type: 'boolean', short: 'h' },
    list: { type: 'boolean' },
    swml: { type: 'boolean' },
    function: { type: 'string' },
    args: { type: 'string' },
    'call-id': { type: 'string' },
    caller: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (v.help) return (io.out(TEST_HELP), 0);
  const modes = [v.list, v.swml, v.function !== undefined].filter(Boolean).length;
  if (positionals.length !== 1 || modes !== 1) {
    throw new CliError('give one agent module and one of --list, --swml, --function NAME', {
      fix: 'e.g. `swml-guard test ./my-agent.ts --list`',
      exitCode: 2,
    });
  }
  if (v.args !== undefined && v.function === undefined)
    throw new CliError('--args needs --function <name>', { exitCode: 2 });
  const toolArgs = v.function !== undefined ? parseArgsJson(v.args ?? '{}') : {};
  const { agent, source } = await loadAgent(positionals[0], io.cwd);
  if (v.list) return printList(io, agent, source, v.json);

  const secrets = { password: strongSecret(), tokenSecret: strongSecret() };
  const log = memoryLog();
  const app = createApp(agent, {
    env: io.env,
    settings: {
      NODE_ENV: 'development',
      SWML_BASIC_AUTH_PASSWORD: secrets.password,
      SWML_BASIC_AUTH_PASSWORD_PREVIOUS: '',
      SWML_TOKEN_SECRET: secrets.tokenSecret,
      SWML_TOKEN_SECRET_PREVIOUS: '',
      SWML_SSL_ENABLED: 'false',
      REDIS_URL: '',
      AUDIT_LOG_FILE: '',
      SIGNALWIRE_SIGNING_KEY: '',
    },
    logDestination: log,
    print: () => undefined,
  });
  // Belt and braces: whatever a handler echoes, the run's secrets never reach the terminal.
  const mask = (text: string) =>
    [secrets.password, encodeURIComponent(secrets.password), secrets.tokenSecret].reduce(
      (out, secret) => out.replaceAll(secret, '***'),
      text,
    );
  try {
    const send = inProcessClient(app);
    const auth = `Basic ${Buffer.from(`${app.guard.runtime.config.basicAuth.user}:${secrets.password}`).toString('base64')}`;
    const call = fakeCall({ callId: v['call-id'], caller: v.caller });
    const swml = await send('POST', agent.route, {
      headers: { authorization: auth },
      body: JSON.stringify(swmlRequest(call)),
    });
    if (swml.status !== 200)
      throw new CliError(`the SWML request answered ${swml.status}: ${mask(swml.body)}`);
    if (v.swml) {
      const doc = tryJson(swml.body);
      const masked = JSON.stringify(
        doc,
        (_k, value: unknown) =>
          typeof value === 'string' && /^https?:\/\//.test(value) ? maskUrl(value) : value,
        2,
      );
      io.out(mask(masked));
      return 0;
    }
    const tool = toolsOf(swml.body).find((t) => t.name === v.function);
    if (!tool?.web_hook_url) {
      throw new CliError(`the agent has no tool ${JSON.stringify(v.function)}`, {
        fix: `use one of: ${[...agent.tools.keys()].join(', ') || '(none)'} (see --list)`,
      });
    }
    const url = new URL(tool.web_hook_url);
    const body = JSON.stringify(swaigRequest(call, tool.name, toolArgs, agent.name));
    const res = await send('POST', `${url.pathname}${url.search}`, {
      headers: { authorization: auth },
      body,
    });
    await new Promise((r) => setImmediate(r));
    const audit = log.lines
      .map((l) => tryJson(mask(l)) as Record<string, unknown> | undefined)
      .filter((e) => e?.audit === true && e.call_id === call.callId);
    return printResult(
      io,
      {
        tool: tool.name,
        secure: tool.secure,
        callId: call.callId,
        status: res.status,
        response: tryJson(mask(res.body)) ?? mask(res.body),
        audit,
      },
      v.json,
    );
  } finally {
    await app.guard.close();
  }
}
