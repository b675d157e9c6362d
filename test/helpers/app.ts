// Test apps: createApp() with a fixed, isolated environment and every log line captured in memory.
import { Writable } from 'node:stream';
import type { AgentBase } from '../../src/agent/agent-base.js';
import { createApp, type GuardApp } from '../../src/http/app.js';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import type { SharedState } from '../../src/state/types.js';

export const PASSWORD = 'test-password-0123456789-abcdefghij-KLMNOP';
export const TOKEN_SECRET = 'test-token-secret-0123456789abcdefghijklmnop';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';
export const USER = 'signalwire';

/** Captures JSON log lines. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(line);
    done();
  }
  get records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  audit(event?: string): Record<string, unknown>[] {
    return this.records.filter((r) => r.audit === true && (event === undefined || r.event === event));
  }
}

export interface TestApp {
  app: GuardApp;
  logs: LogCapture;
  printed: string[];
}

/** Builds an app over `agent` (default the demo agent) with known secrets; `env` adds or overrides. */
export function testApp(
  options: { agent?: AgentBase; env?: Record<string, string | undefined>; state?: SharedState } = {},
): TestApp {
  const logs = new LogCapture();
  const printed: string[] = [];
  const env = {
    SWML_BASIC_AUTH_PASSWORD: PASSWORD,
    SWML_TOKEN_SECRET: TOKEN_SECRET,
    SWML_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const app = createApp(options.agent ?? createBankAgent(), {
    env,
    logDestination: logs,
    print: (l) => printed.push(l),
    ...(options.state ? { state: options.state } : {}),
  });
  return { app, logs, printed };
}

/** Reads the secure tool's token (and its full URL) for `fn` out of a rendered SWML document. */
export function tokenFor(swml: unknown, fn: string): { url: string; token: string; path: string } {
  const ai = (
    swml as {
      sections: {
        main: [unknown, { ai: { SWAIG: { functions: { function: string; web_hook_url?: string }[] } } }];
      };
    }
  ).sections.main[1].ai;
  const f = ai.SWAIG.functions.find((x) => x.function === fn);
  if (!f?.web_hook_url) throw new Error(`no web_hook_url for ${fn}`);
  const url = new URL(f.web_hook_url);
  return {
    url: f.web_hook_url,
    token: url.searchParams.get('__token') ?? '',
    path: `${url.pathname}${url.search}`,
  };
}

/** A SWAIG request body. */
export function swaigBody(
  fn: string,
  args: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    function: fn,
    call_id: 'call-test-1',
    caller_id_num: '+15551230000',
    argument: { parsed: [args] },
    ...extra,
  };
}
