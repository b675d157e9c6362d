// Reads a `.env` file (the one `npm run setup` writes) under the environment: a variable already set wins.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as util from 'node:util';
import { ConfigError } from './errors.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface EnvWithFile {
  /** The environment, plus every variable of the file that the environment does not set. */
  env: Env;
  /** The file that was read (absolute), or undefined when there was none. */
  file: string | undefined;
  /** Names taken from the file (not those the environment overrode). */
  fromFile: string[];
}

// util.parseEnv exists from Node 20.12 / 21.7; engines allows any Node 20.
const parseEnv = (util as { parseEnv?: (text: string) => Record<string, string> }).parseEnv;

/**
 * The environment with `file` (default `.env` in `cwd`) underneath it. The environment wins, as with
 * docker compose and `node --env-file`: `PORT=4000 npm start` beats the file. A missing file is fine; one
 * that exists but cannot be read stops with ERR_SWML_ENV_FILE (silently ignoring it would start the agent
 * with generated secrets instead of the operator's).
 *
 * @example
 * const { env } = readEnvFile({ env: process.env, cwd: process.cwd() });
 */
export function readEnvFile(options: { env?: Env; cwd?: string; file?: string } = {}): EnvWithFile {
  const env = options.env ?? process.env;
  const path = resolve(options.cwd ?? process.cwd(), options.file ?? '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.file === undefined) return { env, file: undefined, fromFile: [] };
    throw new ConfigError(
      'ERR_SWML_ENV_FILE',
      `cannot read ${path} (${code ?? 'error'}). Fix: make it readable by this user, or pass another file.`,
    );
  }
  if (!parseEnv) {
    throw new ConfigError(
      'ERR_SWML_ENV_FILE',
      `reading ${path} needs Node 20.12 or later (util.parseEnv). Fix: upgrade Node, or export the variables instead.`,
    );
  }
  const parsed = parseEnv(text);
  const fromFile = Object.keys(parsed).filter((name) => env[name] === undefined);
  const merged: Record<string, string | undefined> = { ...env };
  for (const name of fromFile) merged[name] = parsed[name];
  return { env: merged, file: path, fromFile };
}
