// The CLI's view of `.env`: the verbs that read settings see the working directory's file under the environment.
import { readEnvFile } from '../config/index.js';
import type { Io } from './output.js';

/**
 * `io` with `.env` (or `file`) merged under its environment. Prints one line to stderr naming the file,
 * so nobody wonders where a setting came from; never a value.
 */
export function withEnvFile(io: Io, file?: string, announce = false): Io {
  const { env, file: read, fromFile } = readEnvFile({ env: io.env, cwd: io.cwd, file });
  if (read !== undefined && announce) {
    io.err(
      io.color.dim(
        `swml-guard: read ${fromFile.length} setting(s) from ${read} (variables already set in the environment win)`,
      ),
    );
  }
  return { ...io, env };
}
