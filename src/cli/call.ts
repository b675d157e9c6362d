// `swml-guard call <url>`: act as SignalWire against a running agent: fetch the SWML, list tools, invoke one.
import { randomUUID } from 'node:crypto';
import { httpError, parseArgsJson, target, toolsOf } from './call-swml.js';
import { send } from './http-client.js';
import { CliError, maskUrl, parse, table, tryJson, type Io } from './output.js';

export const CALL_HELP = `Usage: swml-guard call <url> [--function NAME [--args JSON]] [options]

Act as SignalWire: POST the call payload to the agent's SWML URL with Basic Auth, list the tools in the
SWML document, and with --function invoke one through its own web_hook_url (secure tools carry their
function token there) or the defaults URL, with a SWAIG envelope. Prints the tool's response.

  url                  the agent's SWML URL, e.g. https://agent.example.com/ (userinfo allowed)
  --function <name>    tool to invoke after fetching the SWML
  --args <json>        the tool's arguments as a JSON object (default {})
  --call-id <id>       call_id for the SWML fetch and the tool call (default: a random UUID)
  --caller <number>    caller number, sent as call.from and caller_id_num (default +15550100000)
  --user <name>        Basic Auth user (default: URL userinfo, $SWML_BASIC_AUTH_USER, else signalwire)
  --password <pw>      Basic Auth password (default: URL userinfo, $SWML_BASIC_AUTH_PASSWORD);
                       prefer the environment variable: arguments are visible to other local users
  --cacert <path>      trust this CA certificate (PEM), e.g. Caddy's local root:
                       <data dir>/caddy/pki/authorities/local/root.crt
  --resolve <h:p:a>    connect to address a for host h and port p, as curl (repeatable)
  --json               print one JSON document instead of text
  --timeout <ms>       per-request timeout (default 15000)

Passwords and tokens are never printed: webhook URLs are shown masked.
Exit 0 on success; 1 when a request fails or answers an HTTP error (status and error body shown).

Examples:
  swml-guard call http://127.0.0.1:3000/
  swml-guard call https://agent.localhost:8443/ --cacert root.crt --resolve agent.localhost:8443:127.0.0.1 \\
      --function transfer_funds --args '{"amount":25,"to_account":"1234567890"}'`;

export async function callCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse('call', argv, {
    help: { type: 'boolean', short: 'h' },
    function: { type: 'string' },
    args: { type: 'string' },
    'call-id': { type: 'string' },
    caller: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    cacert: { type: 'string' },
    resolve: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (v.help) return (io.out(CALL_HELP), 0);
  const { url, auth, client } = target(positionals, v, io.env, io.cwd);
  if (v.args !== undefined && v.function === undefined) {
    throw new CliError('--args needs --function <name>', { exitCode: 2 });
  }
  const args = v.function !== undefined ? parseArgsJson(v.args ?? '{}') : undefined;
  const callId = v['call-id'] ?? randomUUID();
  const caller = v.caller ?? '+15550100000';
  const shown = `${url.origin}${url.pathname}`;

  // 1. The SWML fetch SignalWire makes when a call comes in.
  const payload = JSON.stringify({ call: { call_id: callId, from: caller } });
  const swml = await send('POST', url.toString(), { ...client, auth, body: payload });
  if (swml.status !== 200) throw httpError(`POST ${shown}`, swml);
  const tools = toolsOf(swml.body);

  // 2. The SWAIG call, on the URL SignalWire would use: the tool's own (with its token) or the defaults.
  let result: { function: string; status: number; response: unknown } | undefined;
  if (v.function !== undefined) {
    const tool = tools.find((t) => t.name === v.function);
    if (!tool?.web_hook_url) {
      throw new CliError(`the SWML document lists no tool ${JSON.stringify(v.function)} with a webhook`, {
        fix: `use one of: ${tools.map((t) => t.name).join(', ') || '(none)'}`,
      });
    }
    const envelope = {
      function: tool.name,
      call_id: callId,
      caller_id_num: caller,
      argument: { parsed: [args], raw: JSON.stringify(args) },
    };
    // The URL's own userinfo is what SignalWire sends; ours is the fallback when it has none.
    const res = await send('POST', tool.web_hook_url, { ...client, auth, body: JSON.stringify(envelope) });
    if (res.status !== 200) throw httpError(`POST ${maskUrl(tool.web_hook_url)} (${tool.name})`, res);
    result = { function: tool.name, status: res.status, response: tryJson(res.body) ?? res.body };
  }

  const listed = tools.map((t) => ({ ...t, web_hook_url: t.web_hook_url ? maskUrl(t.web_hook_url) : null }));
  if (v.json) {
    io.out(JSON.stringify({ url: shown, call_id: callId, tools: listed, result }, null, 2));
    return 0;
  }
  io.out(`SWML from ${shown} (call_id ${callId}): ${tools.length} tool(s)`);
  const rows = listed.map((t) => [
    t.name,
    t.secure ? io.color.green('yes (token)') : 'no',
    t.web_hook_url ?? '-',
  ]);
  for (const line of table(['tool', 'secure', 'webhook'], rows)) io.out(`  ${line}`);
  if (result) {
    io.out();
    io.out(`${io.color.bold(result.function)} -> HTTP ${result.status}`);
    io.out(JSON.stringify(result.response, null, 2));
  }
  return 0;
}
