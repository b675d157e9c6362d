// Doctor's secret items (Basic Auth password, token secret, admin token), judged by the config module's own rules.
import {
  parseSetting,
  secretFindings,
  suggestEnvNames,
  ENV_NAMES,
  SECRET_NAMES,
  type SecretFinding,
  type SecretName,
  type SecretValues,
} from '../config/index.js';
import { fail, pass, warn, type Check, type DoctorInput } from './doctor-model.js';

/**
 * Why production rules even when NODE_ENV is not production: doctor is the production checklist, and the
 * `.env` it usually audits gets NODE_ENV=production from the compose file, not from itself. The `config`
 * item says what the agent would do in the current mode; these items say what production would do.
 * A value that does not parse (a blank secret of spaces) is reported with the config module's message.
 */
export function productionSecretFindings(input: DoctorInput): SecretFinding[] {
  const values: SecretValues = {};
  const invalid: SecretFinding[] = [];
  for (const name of SECRET_NAMES) {
    const parsed = parseSetting(input.env, input.overrides, name);
    if ('error' in parsed) {
      const message = parsed.error.message.replace(/^ERR_SWML_INVALID_ENV: /, '').replace(/\.$/, '');
      invalid.push({ name, level: 'error', code: 'ERR_SWML_INVALID_ENV', message, fix: `correct ${name}` });
    } else if (typeof parsed.value === 'string') values[name] = parsed.value;
  }
  const typos = suggestEnvNames(input.env, ENV_NAMES);
  return [...invalid, ...secretFindings(values, true, typos)];
}

/** One doctor item over some secrets: fail on an error finding, warn on a warning, else pass. */
export function secretCheck(
  findings: readonly SecretFinding[],
  id: string,
  names: readonly SecretName[],
  passMessage: string,
): Check {
  const mine = findings.filter((f) => names.includes(f.name));
  const worst = mine.find((f) => f.level === 'error') ?? mine[0];
  if (worst === undefined) return pass(id, passMessage);
  return worst.level === 'error' ? fail(id, worst.message, worst.fix) : warn(id, worst.message, worst.fix);
}
