// `swml-guard call <url>`: act as SignalWire against a running agent: fetch the SWML, list tools, invoke one,
// and with --end post the call's summary (which ends its tokens).
import { readEnvFile } from '../config/index.js';
import { checkWebhookHost } from './call-host.js';
import { httpError, parseArgsJson, postPromptUrlOf, target, toolsOf } from './call-swml.js';
import { fakeCall, postPromptRequest, swaigRequest, swmlRequest } from './fake-call.js';
import { send } from './http-client.js';
import { CliError, maskUrl, parse, table, tryJson, type Io } from './output.js';

export const CALL_HELP = `Usage: swml-guard call <url> [--function NAME [--args JSON]] [--end] [options]

Act as SignalWire: POST the call payload to the agent's SWML URL with Basic Auth, list the tools in the
SWML document, and with --function invoke one through its own web_hook_url (secure tools carry their
function token there) or the defaults URL, with a SWAIG envelope. Prints the tool's response.

  url                  the agent's SWML URL, e.g. https://agent.example.com/ (userinfo allowed)
  --function <name>    tool to invoke after fetching the SWML
  --args <json>        the tool's arguments as a JSON object (default {})
  --end                then end the call: POST its summary to the post_prompt_url, which revokes every
                       function token of the call (the agent needs a post prompt: setPostPrompt)
  --summary <text>     the summary --end sends (default "Call ended by swml-guard call.")
  --call-id <id>       call_id for the SWML fetch and the tool call (default: a random UUID)
  --caller <number>    caller number, sent as call.from and caller_id_num (default +15550100000)
  --user <name>        Basic Auth user (default: URL userinfo, $SWML_BASIC_AUTH_USER, else signalwire)
  --password <pw>      Basic Auth password (default: URL userinfo, $SWML_BASIC_AUTH_PASSWORD, from the
                       environment or .env); prefer the variable: arguments are visible to other local users
  --allow-host <host>  also send credentials to this host when the SWML's webhook URLs name it (repeatable);
                       by default only the host of <url> gets them
  --cacert <path>      trust this CA certificate (PEM), e.g. Caddy's local root:
                       <data dir>/caddy/pki/authorities/local/root.crt
  --resolve <h:p:a>    connect to address a for host h and port p, as curl (repeatable)
  --json               print one JSON document instead of text
  --timeout <ms>       per-request timeout (default 15000)

Passwords and tokens are never printed: webhook URLs are shown masked.
Exit 0 on success; 1 when a request fails or answers an HTTP error (status and error body shown).

Examples:
  swml-guard call http://127.0.0.1:3000/
  swml-guard call http://127.0.0.1:3000/ --function get_balance --end
  swml-guard call https://agent.localhost:8443/ --cacert root.crt --resolve agent.localhost:8443:127.0.0.1 \\
      --function transfer_funds --args '{"amount":25,"to_account":"1234567890"}'`;

type Result = { function: string; status: number; response: unknown };

export async function callCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse('call', argv, {
    help: { type: 'boolean', short: 'h' },
    function: { type: 'string' },
    args: { type: 'string' },
    end: { type: 'boolean' },
    summary: { type: 'string' },
    'call-id': { type: 'string' },
    caller: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    cacert: { type: 'string' },
    resolve: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (v.help) return (io.out(CALL_HELP), 0);
  const { env } = readEnvFile({ env: io.env, cwd: io.cwd });
  const { url, auth, client } = target(positionals, v, env, io.cwd);
  if (v.args !== undefined && v.function === undefined) {
    throw new CliError('--args needs --function <name>', { exitCode: 2 });
  }
  if (v.summary !== undefined && !v.end) throw new CliError('--summary needs --end', { exitCode: 2 });
  const args = v.function !== undefined ? parseArgsJson(v.args ?? '{}') : undefined;
  const call = fakeCall({ callId: v['call-id'], caller: v.caller });
  const shown = `${url.origin}${url.pathname}`;
  const allowed = v['allow-host'] ?? [];

  // 1. The SWML fetch SignalWire makes when a call comes in.
  const swml = await send('POST', url.toString(), {
    ...client,
    auth,
    body: JSON.stringify(swmlRequest(call)),
  });
  if (swml.status !== 200) throw httpError(`POST ${shown}`, swml);
  const tools = toolsOf(swml.body);
  const appName = 'swml-guard-call';

  // 2. The SWAIG call, on the URL SignalWire would use: the tool's own (with its token) or the defaults.
  let result: Result | undefined;
  if (v.function !== undefined) {
    const tool = tools.find((t) => t.name === v.function);
    if (!tool?.web_hook_url) {
      throw new CliError(`the SWML document lists no tool ${JSON.stringify(v.function)} with a webhook`, {
        fix: `use one of: ${tools.map((t) => t.name).join(', ') || '(none)'}`,
      });
    }
    checkWebhookHost(url, tool.web_hook_url, allowed, `${tool.name} webhook`);
    const envelope = swaigRequest(call, tool.name, args ?? {}, appName);
    // The URL's own userinfo is what SignalWire sends; ours is the fallback when it has none.
    const res = await send('POST', tool.web_hook_url, { ...client, auth, body: JSON.stringify(envelope) });
    if (res.status !== 200) throw httpError(`POST ${maskUrl(tool.web_hook_url)} (${tool.name})`, res);
    result = { function: tool.name, status: res.status, response: tryJson(res.body) ?? res.body };
  }

  // 3. The end of the call: the summary to post_prompt_url, which revokes the call's tokens.
  let ended: { status: number } | undefined;
  if (v.end) {
    const postPrompt = postPromptUrlOf(swml.body);
    if (postPrompt === undefined) {
      throw new CliError('the SWML document has no post_prompt_url: this agent has no post prompt', {
        fix: "give the agent one (agent.setPostPrompt('Summarize the call.')); until then a call's tokens end when they expire (SWML_TOKEN_TTL)",
      });
    }
    checkWebhookHost(url, postPrompt, allowed, 'post_prompt');
    const body = JSON.stringify(
      postPromptRequest(call, v.summary ?? 'Call ended by swml-guard call.', appName),
    );
    const res = await send('POST', postPrompt, { ...client, auth, body });
    if (res.status !== 200) throw httpError(`POST ${maskUrl(postPrompt)} (post_prompt)`, res);
    ended = { status: res.status };
  }

  const listed = tools.map((t) => ({ ...t, web_hook_url: t.web_hook_url ? maskUrl(t.web_hook_url) : null }));
  if (v.json) {
    io.out(
      JSON.stringify(
        { url: shown, call_id: call.callId, tools: listed, result, ended: ended !== undefined },
        null,
        2,
      ),
    );
    return 0;
  }
  io.out(`SWML from ${shown} (call_id ${call.callId}): ${tools.length} tool(s)`);
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
  if (ended) {
    io.out();
    io.out(
      `call ${call.callId} ended (post_prompt -> HTTP ${ended.status}): its function tokens are revoked`,
    );
  }
  return 0;
}
