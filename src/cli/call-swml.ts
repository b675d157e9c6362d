// What `swml-guard call` needs besides the flow: reading the SWML document, the target and its credentials,
// and HTTP errors turned into messages that name the fix.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseResolve, type ClientOptions, type HttpResponse } from './http-client.js';
import { CliError, tryJson, type Env } from './output.js';

export interface SwmlTool {
  name: string;
  /** Its own web_hook_url carries a function token. */
  secure: boolean;
  /** Where SignalWire would POST: the tool's own URL, else the defaults URL. */
  web_hook_url: string | undefined;
}

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

export function httpError(what: string, res: HttpResponse): CliError {
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

export function parseArgsJson(text: string): Record<string, unknown> {
  const value = tryJson(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(`--args must be a JSON object; got ${JSON.stringify(text)}`, {
      fix: `quote it for your shell, e.g. --args '{"amount":25}'`,
      exitCode: 2,
    });
  }
  return value as Record<string, unknown>;
}

/** The post_prompt_url of a SWML document (JSON text), when the agent has a post prompt. */
export function postPromptUrlOf(body: string): string | undefined {
  const main = (tryJson(body) as { sections?: { main?: unknown[] } } | undefined)?.sections?.main ?? [];
  const ai = main.map((v) => (v as { ai?: { post_prompt_url?: unknown } }).ai).find(Boolean);
  return typeof ai?.post_prompt_url === 'string' ? ai.post_prompt_url : undefined;
}

/** The tools listed in a SWML document (JSON text). */
export function toolsOf(body: string): SwmlTool[] {
  const { functions, defaultsUrl } = swaigOf(tryJson(body));
  return functions.map((f) => ({
    name: f.function,
    secure: /[?&](__token|token)=/.test(f.web_hook_url ?? ''),
    web_hook_url: f.web_hook_url ?? defaultsUrl,
  }));
}

export interface Target {
  /** The SWML URL without userinfo. */
  url: URL;
  auth: { user: string; password: string };
  client: ClientOptions;
}

/** The SWML URL, the Basic Auth credentials (flags, then URL userinfo, then the environment) and TLS/DNS options. */
export function target(
  raw: string[],
  v: { user?: string; password?: string; cacert?: string; resolve?: string[]; timeout?: string },
  env: Env,
  cwd: string,
): Target {
  const [first, ...extra] = raw;
  if (first === undefined || extra.length > 0) {
    throw new CliError('give exactly one URL: the agent SWML URL', {
      fix: 'e.g. `swml-guard call http://127.0.0.1:3000/`',
      exitCode: 2,
    });
  }
  let url: URL;
  try {
    url = new URL(first);
  } catch {
    throw new CliError(`${JSON.stringify(first)} is not a URL`, {
      fix: 'use an absolute URL such as http://127.0.0.1:3000/',
      exitCode: 2,
    });
  }
  const password =
    v.password ??
    (url.password ? decodeURIComponent(url.password) : undefined) ??
    env.SWML_BASIC_AUTH_PASSWORD;
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
      env.SWML_BASIC_AUTH_USER ??
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
      client.ca = readFileSync(resolve(cwd, v.cacert), 'utf8');
    } catch {
      throw new CliError(`cannot read --cacert ${v.cacert}`, {
        fix: 'pass the path of a PEM certificate file',
      });
    }
  }
  return { url, auth, client };
}
