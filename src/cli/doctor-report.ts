// Prints doctor results: one line per check with its fix, a summary, or one stable JSON document.
import type { Check, CheckStatus } from './doctor-model.js';
import type { Io } from './output.js';

function overall(checks: Check[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}

/** Prints the checks; returns the exit code: 0 pass, 1 warnings, 2 failures. */
export function report(
  io: Io,
  title: string,
  checks: Check[],
  json: boolean | undefined,
  extra: Record<string, unknown> = {},
): number {
  const status = overall(checks);
  const code = status === 'pass' ? 0 : status === 'warn' ? 1 : 2;
  if (json) {
    io.out(JSON.stringify({ status, ...extra, checks }, null, 2));
    return code;
  }
  const { green, yellow, red, bold, dim } = io.color;
  const label = { pass: green('PASS'), warn: yellow('WARN'), fail: red('FAIL') };
  const idWidth = Math.max(...checks.map((c) => c.id.length));
  io.out(bold(`swml-guard doctor: ${title}`));
  for (const c of checks) {
    io.out(`${label[c.status]}  ${c.id.padEnd(idWidth)}  ${c.message}`);
    if (c.fix) io.out(`${' '.repeat(idWidth + 8)}${dim('fix:')} ${c.fix}`);
  }
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const summary = `${count('fail')} failed, ${count('warn')} warning(s), ${count('pass')} passed`;
  io.out();
  io.out(
    status === 'pass'
      ? green(`All ${checks.length} checks passed.`)
      : status === 'warn'
        ? yellow(summary)
        : red(summary),
  );
  return code;
}
