// Turns an error thrown while loading an agent module into file:line:column plus the offending line.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** esbuild (through tsx) reports `file:line:col: ERROR: text`; the structured errors do not cross the loader thread. */
const TRANSFORM = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m;
/** A stack frame: `at fn (file:line:col)` or `at file:line:col`, file as a path or a file: URL. */
const FRAME = /^\s*at (?:.*?\()?((?:file:\/\/)?\/[^:()]+):(\d+):(\d+)\)?$/gm;

function toPath(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}

/** The location the user should look at: the syntax error, else the first stack frame in their own code. */
export function locate(err: unknown): { location: SourceLocation; reason: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const syntax = TRANSFORM.exec(err.message);
  if (syntax?.[1] && syntax[4]) {
    // esbuild counts columns from 0; editors and V8 stack traces from 1.
    const location = { file: toPath(syntax[1]), line: Number(syntax[2]), column: Number(syntax[3]) + 1 };
    return { location, reason: syntax[4] };
  }
  for (const m of (err.stack ?? '').matchAll(FRAME)) {
    const file = m[1] ? toPath(m[1]) : '';
    if (!file || file.includes('/node_modules/') || file.includes('/swml-guard/dist/')) continue;
    return { location: { file, line: Number(m[2]), column: Number(m[3]) }, reason: firstLine(err) };
  }
  return undefined;
}

function firstLine(err: Error): string {
  return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message.split('\n')[0] ?? ''}`;
}

/** `  --> file:line:col`, the line itself and a caret under the column (when the file can be read). */
export function excerpt({ file, line, column }: SourceLocation): string[] {
  const out = [`  --> ${file}:${line}:${column}`];
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    text = undefined;
  }
  if (text === undefined) return out;
  const gutter = String(line);
  const shown = text.replace(/\t/g, ' ');
  out.push(
    `  ${gutter} | ${shown}`,
    `  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, column - 1))}^`,
  );
  return out;
}

/** The message for a module that failed to load: reason, location and excerpt when known. */
export function describeLoadError(err: unknown, path: string): string {
  const found = locate(err);
  if (!found) {
    const reason = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    return `cannot load ${path}: ${reason}`;
  }
  return [`cannot load ${path}: ${found.reason}`, ...excerpt(found.location)].join('\n');
}
