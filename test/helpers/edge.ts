// HTTP(S) client for edge tests (Caddy, nginx): requests to 127.0.0.1 with a chosen Host and TLS name (like
// `curl --resolve`), trusting only the given CA; plus the SignalWire-shaped bodies and SWML accessors.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AgentProcess } from './agent-process.js';

export const TRANSFERRED = 'Transferred $5 to account 1234567890';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}
export interface Ai {
  post_prompt_url: string;
  SWAIG: { defaults: { web_hook_url: string }; functions: { function: string; web_hook_url?: string }[] };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One request to 127.0.0.1 (as `curl --resolve`); HTTPS trusts only Caddy's local CA root. */
export function send(
  url: URL,
  method: string,
  opts: { headers?: Record<string, string>; body?: unknown; ca?: Buffer } = {},
): Promise<Reply> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { host: url.host, ...opts.headers };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (url.username) {
    const creds = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(creds).toString('base64')}`;
  }
  const common = { host: '127.0.0.1', port: url.port, path: `${url.pathname}${url.search}`, method, headers };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text) as Record<string, unknown>,
        });
      });
    };
    const req =
      url.protocol === 'https:'
        ? httpsRequest({ ...common, servername: url.hostname, ca: opts.ca, agent: false }, onResponse)
        : httpRequest({ ...common, agent: false }, onResponse);
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${method} ${url.pathname}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export function withAuth(url: string, agent: AgentProcess): URL {
  const u = new URL(url);
  u.username = encodeURIComponent(agent.user);
  u.password = encodeURIComponent(agent.password);
  return u;
}

export function callBody(callId: string, from = '+15551230000') {
  return { call: { call_id: callId, from, to: '+15559870000', direction: 'inbound' }, vars: {} };
}

export function transferBody(callId: string, caller = '+15551230000') {
  return {
    function: 'transfer_funds',
    call_id: callId,
    caller_id_num: caller,
    argument: { parsed: [{ amount: 5, to_account: '1234567890' }] },
  };
}

export function aiOf(swml: Record<string, unknown>): Ai {
  const main = (swml as { sections: { main: Record<string, unknown>[] } }).sections.main;
  const step = main.find((s) => 'ai' in s);
  assert.ok(step, `no ai step in the SWML: ${JSON.stringify(swml).slice(0, 300)}`);
  return step.ai as Ai;
}

export function toolUrl(ai: Ai, name: string): string {
  const url = ai.SWAIG.functions.find((f) => f.function === name)?.web_hook_url;
  assert.ok(url, `${name} has its own web_hook_url`);
  return url;
}
