// Doctor's secret items: Basic Auth password, token secret, admin token (length, variety, reuse; values never shown).
import { GENERATE_HINT } from '../config/errors.js';
import type { EnvName } from '../config/index.js';
import { fail, pass, setting, warn, type Check, type DoctorInput } from './doctor-model.js';

/** Why a secret is weak, or undefined: length, variety, reuse of another secret. Never shows the value. */
function weakness(
  name: string,
  value: string,
  others: [string, string | undefined][],
  bytes = false,
): string | undefined {
  const length = bytes ? Buffer.byteLength(value) : value.length;
  if (length < 32) return `${name} has ${length} ${bytes ? 'bytes' : 'characters'}; 32 or more are needed`;
  if (new Set(value).size < 10)
    return `${name} has only ${new Set(value).size} distinct characters: it is guessable`;
  const reused = others.find(([, other]) => other === value);
  if (reused) return `${name} is the same value as ${reused[0]}: a leak of one exposes both`;
  return undefined;
}

export function secretsCheck(
  input: DoctorInput,
  id: string,
  name: EnvName,
  others: EnvName[],
  bytes = false,
): Check {
  const value = setting(input, name);
  const pairs = others.map((o): [string, string | undefined] => [o, setting(input, o)]);
  if (value === undefined) {
    const why =
      name === 'SWML_TOKEN_SECRET'
        ? 'a random per-process secret breaks secure tools on restart and across replicas'
        : 'a random password is generated on every start';
    return fail(id, `${name} is unset: ${why}`, `set ${name}; ${GENERATE_HINT}`);
  }
  const weak = weakness(name, value, pairs, bytes);
  if (weak) return fail(id, weak, `set a new ${name}; ${GENERATE_HINT}`);
  const previousName = `${name}_PREVIOUS` as EnvName;
  const previous = setting(input, previousName);
  if (previous === value) return warn(id, `${previousName} equals ${name}`, `remove ${previousName}`);
  if (previous !== undefined) {
    return warn(
      id,
      `${name} is strong; ${previousName} is still accepted (rotation in progress)`,
      `remove ${previousName} once every client uses the new value`,
    );
  }
  return pass(id, `${name} is set and strong (${value.length} characters)`);
}

export function adminCheck(input: DoctorInput): Check {
  const token = setting(input, 'SWML_ADMIN_TOKEN');
  if (token === undefined)
    return warn(
      'admin_endpoint',
      'SWML_ADMIN_TOKEN is unset: the runtime emergency switch (/admin) is off',
      `set SWML_ADMIN_TOKEN; ${GENERATE_HINT}`,
    );
  const weak = weakness('SWML_ADMIN_TOKEN', token, [
    ['SWML_BASIC_AUTH_PASSWORD', setting(input, 'SWML_BASIC_AUTH_PASSWORD')],
    ['SWML_TOKEN_SECRET', setting(input, 'SWML_TOKEN_SECRET')],
  ]);
  if (weak) return fail('admin_endpoint', weak, `set a new SWML_ADMIN_TOKEN; ${GENERATE_HINT}`);
  return pass('admin_endpoint', 'emergency switch reachable on the internal port (Bearer SWML_ADMIN_TOKEN)');
}
