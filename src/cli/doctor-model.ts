// Shapes and helpers shared by the doctor checks: the check record, its input, and settings as config reads them.
import type { AgentBase } from '../agent/agent-base.js';
import { ENV, parseSetting, proxyBaseRule, rawSetting, type EnvName } from '../config/index.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';
export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
  /** One line saying how to fix it; null when the check passes. */
  fix: string | null;
}

/** What the checks read: the merged settings (agent options beat the environment) and the loaded agent. */
export interface DoctorInput {
  env: Readonly<Record<string, string | undefined>>;
  overrides: Record<string, string | number | boolean | undefined>;
  agent: AgentBase | undefined;
  agentError: string | undefined;
  now: Date;
  /** Audit the compose stack: the agent runs in a container behind Caddy, on compose's private network. */
  compose?: boolean;
}

export const pass = (id: string, message: string): Check => ({ id, status: 'pass', message, fix: null });
export const warn = (id: string, message: string, fix: string): Check => ({
  id,
  status: 'warn',
  message,
  fix,
});
export const fail = (id: string, message: string, fix: string): Check => ({
  id,
  status: 'fail',
  message,
  fix,
});

/**
 * A setting read by the config module's own function (override, else env; '' is unset), trimmed as its
 * schemas trim. A value of only spaces comes back undefined here; the `config` item reports it as invalid.
 */
export function setting(input: DoctorInput, name: EnvName): string | undefined {
  const value = rawSetting(input.env, input.overrides, name)?.trim();
  return value === '' ? undefined : value;
}
/** The setting, or its default from the config module. */
export function withDefault(input: DoctorInput, name: EnvName): string {
  const spec = ENV[name];
  return setting(input, name) ?? ('default' in spec ? spec.default : '');
}

/**
 * How webhooks reach the agent, parsed by the config module's own schemas and proxy-URL rule, for the
 * transport rules doctor shares with loadConfig. A value that does not parse counts as unset here; the
 * `config` item reports it.
 */
export function transportSettings(input: DoctorInput): {
  tlsEnabled: boolean;
  proxyUrlBase: string | undefined;
  trustProxy: number;
} {
  const parsed = (name: EnvName): unknown => {
    const p = parseSetting(input.env, input.overrides, name);
    return 'error' in p ? undefined : p.value;
  };
  const raw = setting(input, 'SWML_PROXY_URL_BASE');
  const base = raw === undefined ? undefined : proxyBaseRule(raw, false);
  return {
    tlsEnabled: parsed('SWML_SSL_ENABLED') === true,
    proxyUrlBase: base !== undefined && 'url' in base ? base.url : undefined,
    trustProxy: Number(parsed('SWML_TRUST_PROXY') ?? 0),
  };
}
