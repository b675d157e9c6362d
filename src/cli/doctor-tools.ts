// Doctor's abuse items: tools that opted out of secure are listed, risky-sounding ones fail; rate limits sane.
import type { EnvName } from '../config/index.js';
import { fail, pass, warn, withDefault, type Check, type DoctorInput } from './doctor-model.js';

/** Words that suggest money, deletion, passwords or personal data in a tool's name or description. */
const RISKY_WORDS = [
  'money|transfers?|transferring|payments?|pay|payouts?|refunds?|withdraw\\w*|deposits?|wire|charge|funds?|purchase|billing|invoice',
  'delete|deletion|remove|erase|destroy|close (?:\\w+ )?account|account closure|cancel|terminate|purge|wipe',
  'passwords?|passcodes?|pin|credentials?|secret|otp|verification code',
  "ssn|social security|date of birth|birthdate|dob|home address|personal (?:data|information|details)|credit card|card number|passport|medical|health (?:record|data)s?|driver'?s license",
];
const RISKY = new RegExp(`\\b(${RISKY_WORDS.join('|')})\\b`, 'i');

export function secureToolsCheck(input: DoctorInput): Check {
  if (!input.agent)
    return fail(
      'secure_tools',
      `the agent module could not be loaded: ${input.agentError ?? 'unknown error'}`,
      'fix the module so `swml-guard serve` can load it',
    );
  const tools = [...input.agent.tools.values()];
  const words = (t: { name: string; description: string }) => `${t.name.replace(/_/g, ' ')} ${t.description}`;
  // Tools are secure by default: every open tool opted out with `secure: false`, and is listed by name.
  const open = tools.filter((t) => !t.secure).map((t) => t.name);
  const exposed = tools.filter((t) => !t.secure && RISKY.test(words(t))).map((t) => t.name);
  const optedOut = `opted out with secure: false: ${open.length ? open.join(', ') : 'none'}`;
  if (exposed.length > 0) {
    return fail(
      'secure_tools',
      `tool(s) that suggest money, deletion, passwords or personal data opted out with secure: false: ${exposed.join(', ')}`,
      `remove secure: false from defineTool() for ${exposed.join(', ')} (each call then needs its function token)`,
    );
  }
  const secure = tools.filter((t) => t.secure).map((t) => t.name);
  return pass(
    'secure_tools',
    `${secure.length} secure tool(s)${secure.length ? `: ${secure.join(', ')}` : ''}; ${optedOut}${open.length ? ' (they look harmless)' : ''}`,
  );
}

const LIMITS: [EnvName, string, number][] = [
  ['SWML_RATE_LIMIT', 'requests/min per IP', 10_000],
  ['SWML_AUTH_FAILURE_LIMIT', 'auth failures/15 min per IP', 200],
  ['SWML_CALLER_FUNCTION_LIMIT', 'tool calls/min per caller', 120],
  ['SWML_CALLER_CALL_LIMIT', 'calls/h per caller', 500],
  ['SWML_CALL_RATE_LIMIT', 'calls/min in total', 5_000],
];

export function rateLimitCheck(input: DoctorInput): Check {
  const values = LIMITS.map(([name, label, max]) => ({
    name,
    label,
    max,
    value: Number(withDefault(input, name)),
  }));
  const high = values.filter((l) => !(l.value <= l.max));
  if (high.length > 0) {
    return warn(
      'rate_limits',
      `limits too high to stop abuse: ${high.map((l) => `${l.name}=${l.value} (over ${l.max})`).join(', ')}`,
      'lower them; the defaults are in README',
    );
  }
  return pass('rate_limits', `on: ${values.map((l) => `${l.value} ${l.label}`).join(', ')}`);
}
