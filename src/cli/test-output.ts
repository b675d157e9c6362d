// What `swml-guard test` prints: the tool list, and a tool's answer with the audit events of its call.
import type { AgentBase } from '../agent/agent-base.js';
import { table, type Io } from './output.js';

export function printList(io: Io, agent: AgentBase, source: string, json: boolean | undefined): number {
  const tools = [...agent.tools.values()].map((t) => ({
    name: t.name,
    secure: t.secure,
    description: t.description,
    parameters: t.parameters,
  }));
  if (json) {
    io.out(JSON.stringify({ agent: agent.name, route: agent.route, tools }, null, 2));
    return 0;
  }
  io.out(`${agent.name} (${source}), route ${agent.route}: ${tools.length} tool(s)`);
  const rows = tools.map((t) => {
    const required = new Set(t.parameters.required ?? []);
    const args = Object.keys(t.parameters.properties ?? {})
      .map((name) => (required.has(name) ? name : `${name}?`))
      .join(', ');
    return [t.name, t.secure ? io.color.green('yes (token)') : 'no', args || '-', t.description];
  });
  for (const line of table(['tool', 'secure', 'arguments', 'description'], rows)) io.out(`  ${line}`);
  return 0;
}

export interface TestResult {
  tool: string;
  secure: boolean;
  callId: string;
  status: number;
  response: unknown;
  audit: (Record<string, unknown> | undefined)[];
}

export function printResult(io: Io, r: TestResult, json: boolean | undefined): number {
  const code = r.status === 200 ? 0 : 1;
  if (json) {
    io.out(
      JSON.stringify(
        { function: r.tool, call_id: r.callId, status: r.status, response: r.response, audit: r.audit },
        null,
        2,
      ),
    );
    return code;
  }
  const mark = r.status === 200 ? io.color.green(`HTTP ${r.status}`) : io.color.red(`HTTP ${r.status}`);
  io.out(`${io.color.bold(r.tool)}${r.secure ? ' (secure: called with its function token)' : ''} -> ${mark}`);
  io.out(JSON.stringify(r.response, null, 2));
  io.out();
  io.out(io.color.dim(`audit log of call ${r.callId}:`));
  for (const e of r.audit) {
    if (!e) continue;
    const { level: _l, time: _t, audit: _a, request_id: _r, call_id: _c, ip: _i, event, ...rest } = e;
    io.out(`  ${String(event)} ${JSON.stringify(rest)}`);
  }
  return code;
}
