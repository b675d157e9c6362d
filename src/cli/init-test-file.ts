// The test `swml-guard init` writes beside the agent: node:test through createApp, as SignalWire calls it.

export const TEST_FILE = `// The agent through every layer (Basic Auth, function token, schema), as SignalWire calls it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from 'swml-guard';
import { agent } from './agent.js';

// Test-only settings: the environment is not read, so this runs the same everywhere.
const PASSWORD = 'test-only-password-0123456789-abcdefghijk';
const app = createApp(agent, {
  env: { SWML_BASIC_AUTH_PASSWORD: PASSWORD, SWML_TOKEN_SECRET: 'test-only-token-secret-0123456789-abcdef', LOG_LEVEL: 'silent' },
});
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(async () => {
  server.close();
  await app.guard.close();
});

const base = () => \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`;
const auth = { authorization: \`Basic \${Buffer.from(\`signalwire:\${PASSWORD}\`).toString('base64')}\` };

async function post(path: string, body: unknown) {
  const res = await fetch(new URL(path, base()), {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

type Fn = { function: string; web_hook_url?: string };
async function startCall(callId: string): Promise<Fn[]> {
  const { status, json } = await post('/', { call: { call_id: callId, from: '+15550100000' } });
  assert.equal(status, 200);
  const main = (json as { sections: { main: { ai?: { SWAIG: { functions: Fn[] } } }[] } }).sections.main;
  return main.find((step) => step.ai)?.ai?.SWAIG.functions ?? [];
}

const swaig = (fn: string, callId: string, args: Record<string, unknown>) => ({
  function: fn,
  call_id: callId,
  caller_id_num: '+15550100000',
  argument: { parsed: [args], raw: JSON.stringify(args) },
});

test('the open tool answers with Basic Auth alone', async () => {
  await startCall('call-open');
  const { json } = await post('/swaig', swaig('opening_hours', 'call-open', {}));
  assert.match(String(json.response), /Monday to Friday/);
});

test('the secure tool needs the token of its own call', async () => {
  const functions = await startCall('call-secure');
  const hook = functions.find((f) => f.function === 'book_appointment')?.web_hook_url ?? '';
  assert.match(hook, /__token=/);
  const withoutToken = await post('/swaig', swaig('book_appointment', 'call-secure', { day: 'monday', time: '10:30' }));
  assert.equal(withoutToken.status, 403);
  const url = new URL(hook);
  const booked = await post(url.pathname + url.search, swaig('book_appointment', 'call-secure', { day: 'monday', time: '10:30' }));
  assert.equal(booked.json.response, 'Booked for monday at 10:30.');
  const otherCall = await post(url.pathname + url.search, swaig('book_appointment', 'another-call', { day: 'monday', time: '10:30' }));
  assert.equal(otherCall.status, 403);
});

test('bad arguments are refused before the handler runs', async () => {
  const functions = await startCall('call-bad');
  const url = new URL(functions.find((f) => f.function === 'book_appointment')?.web_hook_url ?? '');
  const { json } = await post(url.pathname + url.search, swaig('book_appointment', 'call-bad', { day: 'sunday', time: '3am' }));
  assert.match(String(json.response), /Invalid arguments/);
});
`;
