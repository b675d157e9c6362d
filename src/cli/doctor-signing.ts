// Doctor's signing item: is SignalWire's request signature required, and what the Basic Auth password alone opens.
import { signingRule } from '../config/index.js';
import {
  fail,
  pass,
  setting,
  transportSettings,
  warn,
  type Check,
  type DoctorInput,
} from './doctor-model.js';

/**
 * Why this is an item of its own: Basic Auth is one shared password that travels in every webhook URL.
 * Without signatures, whoever holds it can fetch a SWML document for a call_id they choose and get a
 * function token for every secure tool of that call. With SIGNALWIRE_SIGNING_KEY, every webhook request
 * (the SWML fetch, GET included, tools and post_prompt) must carry SignalWire's HMAC over the public URL
 * and body, which the password does not give. docs/security.md spells out both cases.
 */
export function signingCheck(input: DoctorInput): Check {
  const key = setting(input, 'SIGNALWIRE_SIGNING_KEY');
  if (key === undefined) {
    return warn(
      'signing',
      'SIGNALWIRE_SIGNING_KEY is unset: anyone holding the Basic Auth password can fetch SWML for a call_id they pick, get its function tokens and run secure tools',
      "set SIGNALWIRE_SIGNING_KEY to your SignalWire project's signing key; every webhook then needs SignalWire's signature",
    );
  }
  const rule = signingRule({ ...transportSettings(input), signingKey: key });
  if (rule !== undefined) {
    return fail(
      'signing',
      `SIGNALWIRE_SIGNING_KEY is set, but not the public URL SignalWire signs: the agent refuses to start (${rule.code})`,
      'set SWML_PROXY_URL_BASE=https://<your public host> (or direct TLS with SWML_DOMAIN and no trusted proxy hop)',
    );
  }
  return pass(
    'signing',
    'SignalWire signatures required on every webhook (SWML fetch GET and POST, tools, post_prompt): the Basic Auth password alone mints no token',
  );
}
