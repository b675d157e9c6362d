// What each benchmark sends: the same SWAIG-shaped bodies to the baselines, SignalWire's payloads to the agent.
import type { AutocannonRequest } from 'autocannon';
import type { ServerKind } from './server.js';

export interface Scenario {
  id: 'http' | 'express' | 'swml-demo' | 'swml-50' | 'swaig-open' | 'swaig-secure';
  label: string;
  server: ServerKind;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'http', label: 'bare node:http JSON POST', server: 'http' },
  { id: 'express', label: 'bare Express 5 + express.json()', server: 'express' },
  { id: 'swml-demo', label: 'SWML render, demo agent', server: 'agent-demo' },
  { id: 'swml-50', label: 'SWML render, 50-tool agent', server: 'agent-fifty' },
  { id: 'swaig-open', label: 'SWAIG get_balance (not secure)', server: 'agent-demo' },
  { id: 'swaig-secure', label: 'SWAIG transfer_funds (secure)', server: 'agent-demo' },
];

/** Distinct caller numbers, so the per-caller limiters count many keys (as in production) and never refuse. */
const CALLERS = Array.from({ length: 1000 }, (_, i) => `+1555${String(1_000_000 + i).slice(1)}`);
const CALL_ID = 'bench-call-0001';
const JSON_TYPE = { 'content-type': 'application/json' };

function swaigBodies(fn: string, args: Record<string, unknown>): string[] {
  return CALLERS.map((caller) =>
    JSON.stringify({
      function: fn,
      call_id: CALL_ID,
      caller_id_num: caller,
      caller_id_name: 'Bench Caller',
      ai_session_id: 'bench-session',
      app_name: 'swml-guard-bench',
      argument: { parsed: [args], raw: JSON.stringify(args) },
      meta_data: {},
    }),
  );
}

/** The secure tool's `?__token=` for CALL_ID, read from a rendered SWML document as SignalWire would. */
async function secureToolPath(url: string, auth: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...JSON_TYPE, authorization: auth },
    body: JSON.stringify({ call: { call_id: CALL_ID, from: CALLERS[0], to: '+15559870000' }, vars: {} }),
  });
  const swml = await res.text();
  const match = /"function":"transfer_funds".*?"web_hook_url":"[^"]*?(\/swaig\?__token=[^"]+)"/.exec(swml);
  if (!match?.[1]) throw new Error(`no transfer_funds token in the SWML (status ${res.status})`);
  return match[1];
}

/** The request list for one scenario; autocannon cycles each connection through it. */
export async function requestsFor(
  scenario: Scenario,
  url: string,
  password: string,
): Promise<AutocannonRequest[]> {
  const auth = `Basic ${Buffer.from(`signalwire:${password}`).toString('base64')}`;
  const headers = { ...JSON_TYPE, authorization: auth };
  const transfer = swaigBodies('transfer_funds', { amount: 25.5, to_account: '0123456789' });
  switch (scenario.id) {
    case 'http':
    case 'express':
      return transfer.map((body) => ({ method: 'POST', path: '/', headers: JSON_TYPE, body }));
    case 'swml-demo':
    case 'swml-50':
      return CALLERS.map((from, i) => ({
        method: 'POST',
        path: '/',
        headers,
        body: JSON.stringify({ call: { call_id: `bench-${i}`, from, to: '+15559870000' }, vars: {} }),
      }));
    case 'swaig-open':
      return swaigBodies('get_balance', {}).map((body) => ({
        method: 'POST',
        path: '/swaig',
        headers,
        body,
      }));
    case 'swaig-secure': {
      const path = await secureToolPath(url, auth);
      return transfer.map((body) => ({ method: 'POST', path, headers, body }));
    }
  }
}
