// The development block `serve()` prints when it generated the password: where the agent is, the credentials,
// and the exact command to try it. Framed so it stands out among the JSON log lines.
import type { AgentBase } from '../agent/agent-base.js';

/** The URL to call on this machine: localhost for wildcard and loopback binds, else the bound address. */
export function localUrl(options: { host: string; port: number; tls: boolean; route: string }): string {
  const wildcard = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(options.host);
  const host = wildcard ? 'localhost' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return `${options.tls ? 'https' : 'http'}://${host}:${options.port}${options.route}`;
}

/** A tool the example command can call without arguments, so it works as printed. */
function exampleTool(agent: AgentBase): string | undefined {
  const tools = [...agent.tools.values()];
  const noArgs = tools.filter((t) => (t.parameters.required ?? []).length === 0);
  return (noArgs.find((t) => !t.secure) ?? noArgs[0])?.name;
}

export function devBanner(options: {
  user: string;
  password: string;
  url: string;
  agent: AgentBase;
}): string {
  const tool = exampleTool(options.agent);
  const quoted = `'${options.password.replaceAll("'", `'\\''`)}'`;
  const command = `SWML_BASIC_AUTH_PASSWORD=${quoted} npx swml-guard call ${options.url}${tool ? ` --function ${tool}` : ''}`;
  const lines = [
    'swml-guard: development credentials (generated for this run only)',
    '',
    `  agent     ${options.url}`,
    `  user      ${options.user}`,
    `  password  ${options.password}`,
    '',
    '  Try it (from another terminal):',
    `    ${command}`,
    '',
    '  This password changes on every start. For anything real: npm run setup (writes .env), then restart.',
  ];
  const rule = '='.repeat(Math.min(100, Math.max(...lines.map((l) => l.length))));
  return ['', rule, ...lines, rule, ''].join('\n');
}
