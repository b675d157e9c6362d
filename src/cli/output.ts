// Terminal output for the CLI: errors that name the fix, colors only on a TTY, aligned tables, secret masking.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Environment the CLI reads (passed down from the entry point; nothing here reads process.env). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A failure the user can fix: printed as `swml-guard <verb>: <message>` plus a `fix:` line, never a stack. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly fix: string | undefined;

  constructor(message: string, options: { fix?: string; exitCode?: number } = {}) {
    super(message);
    this.name = 'CliError';
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Where a verb writes: stdout/stderr, with colors decided once. */
export interface Io {
  out: (line?: string) => void;
  err: (line?: string) => void;
  color: Colors;
  env: Env;
  cwd: string;
  /** Asks one question on the terminal; undefined at end of input. Absent when stdin is not a terminal. */
  ask?: (question: string) => Promise<string | undefined>;
}

type Paint = (s: string) => string;
export interface Colors {
  green: Paint;
  yellow: Paint;
  red: Paint;
  bold: Paint;
  dim: Paint;
}

const paint = (code: number, reset: number) => (s: string) => `\u001b[${code}m${s}\u001b[${reset}m`;
const plain = (s: string) => s;

/** ANSI colors only when the stream is a TTY and NO_COLOR is unset (https://no-color.org). */
export function colors(enabled: boolean): Colors {
  if (!enabled) return { green: plain, yellow: plain, red: plain, bold: plain, dim: plain };
  return {
    green: paint(32, 39),
    yellow: paint(33, 39),
    red: paint(31, 39),
    bold: paint(1, 22),
    dim: paint(2, 22),
  };
}

export function wantsColor(stream: { isTTY?: boolean }, env: Env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const width = (s: string) => s.replace(ANSI, '').length;

/** Left-aligned columns separated by two spaces; cells may already be colored. */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Hides userinfo and token values in a URL: `https://***:***@host/swaig?__token=***`. */
export function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.username) url.username = '***';
    if (url.password) url.password = '***';
    for (const key of ['__token', 'token']) if (url.searchParams.has(key)) url.searchParams.set(key, '***');
    return url.toString().replace(/%2A/g, '*');
  } catch {
    return '(invalid URL)';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** node:util parseArgs (strict) with its errors turned into a CliError that points at the verb's --help. */
export function parse<T extends Options>(
  verb: string,
  args: string[],
  options: T,
  allowPositionals = true,
): Parsed<T> {
  try {
    return parseArgs({ args, options, allowPositionals: allowPositionals as true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    throw new CliError(message, { fix: `run \`swml-guard ${verb} --help\``, exitCode: 2 });
  }
}

/** Reads a JSON document from an HTTP body without ever throwing. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
