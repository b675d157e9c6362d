// `swml-guard call <url>`: act as SignalWire against a running agent: fetch the SWML, list tools, invoke one.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseResolve, send, type ClientOptions, type HttpResponse } from './http-client.js';
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

interface SwmlFunction {
  function: string;
  web_hook_url?: string;
}

/** The SWAIG part of a SWML document, or a CliError naming what is missing. */
function swaigOf(doc: unknown): { functions: SwmlFunction[]; defaultsUrl: string | undefined } {
  const main = (doc as { sections?: { main?: unknown[] } } | undefined)?.sections?.main ?? [];
  const ai = main
    .map(
      (v) =>
        (v as { ai?: { SWAIG?: { functions?: SwmlFunction[]; defaults?: { web_hook_url?: string } } } }).ai,
    )
    .find(Boolean);
  if (!ai) {
    throw new CliError('the SWML document has no ai section (the agent may be refusing the call)', {
      fix: 'check `swml-guard status` for emergency mode "all", and the call limits (SWML_CALLER_CALL_LIMIT)',
    });
  }
  return { functions: ai.SWAIG?.functions ?? [], defaultsUrl: ai.SWAIG?.defaults?.web_hook_url };
}

function httpError(what: string, res: HttpResponse): CliError {
  const fixes: Record<number, string> = {
    401: 'check the credentials: --user/--password, the URL userinfo, or SWML_BASIC_AUTH_USER/SWML_BASIC_AUTH_PASSWORD',
    403: "the function token was refused (expired, revoked, or another call's): fetch the SWML again",
    404: 'check the URL path (the agent route) and the function name',
    429: 'rate limited: wait for the window to end (see the Retry-After header)',
  };
  const body = res.body.length > 500 ? `${res.body.slice(0, 500)}...` : res.body;
  return new CliError(`${what} answered ${res.status} ${res.statusText}: ${body.trim() || '(empty body)'}`, {
    fix: fixes[res.status] ?? 'see the agent logs for this request',
  });
}

function parseArgsJson(text: string): Record<string, unknown> {
  const value = tryJson(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(`--args must be a JSON object; got ${JSON.stringify(text)}`, {
      fix: `quote it for your shell, e.g. --args '{"amount":25}'`,
      exitCode: 2,
    });
  }
  return value as Record<string, unknown>;
}

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
  const [target, ...extra] = positionals;
  if (target === undefined || extra.length > 0) {
    throw new CliError('give exactly one URL: the agent SWML URL', {
      fix: 'e.g. `swml-guard call http://127.0.0.1:3000/`',
      exitCode: 2,
    });
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new CliError(`${JSON.stringify(target)} is not a URL`, {
      fix: 'use an absolute URL such as http://127.0.0.1:3000/',
      exitCode: 2,
    });
  }
  const args = v.function !== undefined ? parseArgsJson(v.args ?? '{}') : undefined;
  if (v.args !== undefined && v.function === undefined)
    throw new CliError('--args needs --function <name>', { exitCode: 2 });
  const password =
    v.password ??
    (url.password ? decodeURIComponent(url.password) : undefined) ??
    io.env.SWML_BASIC_AUTH_PASSWORD;
  if (password === undefined) {
    throw new CliError('no Basic Auth password', {
      fix: 'set SWML_BASIC_AUTH_PASSWORD, put it in the URL (https://user:pw@host/), or pass --password',
      exitCode: 2,
    });
  }
  const auth = {
    password,
    user:
      v.user ??
      (url.username ? decodeURIComponent(url.username) : undefined) ??
      io.env.SWML_BASIC_AUTH_USER ??
      'signalwire',
  };
  url.username = '';
  url.password = '';
  const timeoutMs = v.timeout !== undefined ? Number(v.timeout) : undefined;
  if (timeoutMs !== undefined && !(timeoutMs > 0))
    throw new CliError('--timeout must be a number of milliseconds', { exitCode: 2 });
  const client: ClientOptions = { resolve: (v.resolve ?? []).map(parseResolve), timeoutMs };
  if (v.cacert !== undefined) {
    try {
      client.ca = readFileSync(resolve(io.cwd, v.cacert), 'utf8');
    } catch {
      throw new CliError(`cannot read --cacert ${v.cacert}`, {
        fix: 'pass the path of a PEM certificate file',
      });
    }
  }
  const callId = v['call-id'] ?? randomUUID();
  const caller = v.caller ?? '+15550100000';

  const swmlRes = await send('POST', url.toString(), {
    ...client,
    auth,
    body: JSON.stringify({ call: { call_id: callId, from: caller } }),
  });
  if (swmlRes.status !== 200) throw httpError(`POST ${url.origin}${url.pathname}`, swmlRes);
  const { functions, defaultsUrl } = swaigOf(tryJson(swmlRes.body));
  const tools = functions.map((f) => ({
    name: f.function,
    secure: /[?&](__token|token)=/.test(f.web_hook_url ?? ''),
    web_hook_url: f.web_hook_url ?? defaultsUrl,
  }));

  let result: { function: string; status: number; response: unknown } | undefined;
  if (v.function !== undefined) {
    const tool = tools.find((t) => t.name === v.function);
    if (!tool) {
      throw new CliError(`the SWML lists no tool ${JSON.stringify(v.function)}`, {
        fix: `use one of: ${tools.map((t) => t.name).join(', ') || '(none)'}`,
      });
    }
    if (!tool.web_hook_url) throw new CliError(`no webhook URL for ${tool.name} in the SWML document`);
    const envelope = {
      function: tool.name,
      call_id: callId,
      caller_id_num: caller,
      argument: { parsed: [args], raw: JSON.stringify(args) },
    };
    // The webhook URL's own userinfo is what SignalWire would send; fall back to ours when it has none.
    const res = await send('POST', tool.web_hook_url, { ...client, auth, body: JSON.stringify(envelope) });
    if (res.status !== 200) throw httpError(`POST ${maskUrl(tool.web_hook_url)} (${tool.name})`, res);
    result = { function: tool.name, status: res.status, response: tryJson(res.body) ?? res.body };
  }

  const shownTools = tools.map((t) => ({
    ...t,
    web_hook_url: t.web_hook_url ? maskUrl(t.web_hook_url) : null,
  }));
  if (v.json) {
    io.out(
      JSON.stringify(
        { url: `${url.origin}${url.pathname}`, call_id: callId, tools: shownTools, result },
        null,
        2,
      ),
    );
    return 0;
  }
  io.out(`SWML from ${url.origin}${url.pathname} (call_id ${callId}): ${tools.length} tool(s)`);
  for (const line of table(
    ['tool', 'secure', 'webhook'],
    shownTools.map((t) => [t.name, t.secure ? io.color.green('yes (token)') : 'no', t.web_hook_url ?? '-']),
  ))
    io.out(`  ${line}`);
  if (result) {
    io.out();
    io.out(`${io.color.bold(result.function)} -> HTTP ${result.status}`);
    io.out(JSON.stringify(result.response, null, 2));
  }
  return 0;
}
