// `swml-guard tool <disable|enable> <name>`: take one tool out of service (or back) at runtime, on every replica.
import { send } from './http-client.js';
import { adminTarget, checked, COMMON, OPTIONS, printStatus } from './admin.js';
import { CliError, parse, type Io } from './output.js';

export const TOOL_HELP = `Usage: swml-guard tool <disable|enable> <name> [options]

Disable or re-enable one tool at runtime through the admin endpoint, without a restart (every replica
when REDIS_URL is set). A disabled tool answers callers "temporarily unavailable" instead of running;
the other tools keep working. Audited as emergency_mode_changed with the tool name.

${COMMON}

Examples:
  swml-guard tool disable transfer_funds
  swml-guard tool enable transfer_funds`;

export async function toolCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tool', args, OPTIONS);
  if (values.help) return (io.out(TOOL_HELP), 0);
  const [action, name, ...extra] = positionals;
  if ((action !== 'disable' && action !== 'enable') || name === undefined || extra.length > 0) {
    throw new CliError(
      `expected: disable <name> or enable <name>; got ${JSON.stringify(positionals.join(' '))}`,
      {
        fix: 'e.g. `swml-guard tool disable transfer_funds` (see `swml-guard status` for the tool names)',
        exitCode: 2,
      },
    );
  }
  const { base, headers } = adminTarget(io, values);
  const url = `${base}/admin/functions/${encodeURIComponent(name)}`;
  const res = await send('POST', url, { headers, body: JSON.stringify({ enabled: action === 'enable' }) });
  if (res.status === 404 && res.body.includes('unknown function')) {
    throw new CliError(`the agent has no tool ${JSON.stringify(name)}`, {
      fix: 'run `swml-guard status` to list the tools',
    });
  }
  printStatus(io, checked(`POST ${base}/admin/functions/${name}`, res), values.json);
  return 0;
}
