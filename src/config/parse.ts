// Reading one setting the way every consumer must: explicit setting > environment > default; '' is unset.
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { ENV, ENV_NAMES, type EnvName } from './options.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Explicit settings (from `AgentBase` options or `createApp` options); they beat the environment. */
export type ConfigOverrides = Partial<Record<EnvName, string | number | boolean | undefined>>;

/** The parsed value of each variable; `undefined` only for variables without a default. */
export type Parsed = {
  [K in EnvName]: (typeof ENV)[K] extends { default: string }
    ? z.output<(typeof ENV)[K]['schema']>
    : z.output<(typeof ENV)[K]['schema']> | undefined;
};

const HIDDEN = /PASSWORD|SECRET|TOKEN|KEY$/;

/**
 * The text of a setting before parsing: an explicit setting beats the environment, and an empty string is
 * "unset" (compose writes `VAR=` for `${VAR:-}`). A value of only spaces is NOT unset: it parses, and the
 * schema refuses it (a blank secret is a mistake to report, never a reason to generate one silently).
 * `swml-guard doctor` reads settings through this same function.
 */
export function rawSetting(env: Env, overrides: ConfigOverrides, name: EnvName): string | undefined {
  const override = overrides[name];
  const raw = override !== undefined ? String(override) : env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** Parses one setting (its default applied when unset): the value, or the ConfigError that names it. */
export function parseSetting(
  env: Env,
  overrides: ConfigOverrides,
  name: EnvName,
): { value: unknown } | { error: ConfigError } {
  const spec = ENV[name];
  const value = rawSetting(env, overrides, name) ?? ('default' in spec ? spec.default : undefined);
  if (value === undefined) return { value: undefined };
  const result = spec.schema.safeParse(value);
  if (result.success) return { value: result.data };
  const reason = result.error.issues[0]?.message ?? 'is invalid';
  const shown = HIDDEN.test(name) ? '(value hidden)' : JSON.stringify(value);
  return { error: new ConfigError('ERR_SWML_INVALID_ENV', `${name} ${reason}; got ${shown}.`) };
}

/** Parses every setting; throws the first ConfigError. */
export function parseAll(env: Env, overrides: ConfigOverrides): Parsed {
  const out: Record<string, unknown> = {};
  for (const name of ENV_NAMES) {
    const parsed = parseSetting(env, overrides, name);
    if ('error' in parsed) throw parsed.error;
    if (parsed.value !== undefined) out[name] = parsed.value;
  }
  return out as Parsed;
}

export { ENV_NAMES };
