// The value rules of deploy/alertmanager/entrypoint.sh, one per kind: URLs, PagerDuty keys, addresses, SMTP.

/** A setting the entrypoint would refuse; the message names the variable, never its value. */
export class ReceiverError extends Error {}

export type Env = Readonly<Record<string, string | undefined>>;

// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\s"'\\<>{}`$\u0000-\u001f]/;
const PLACEHOLDER_TEXT =
  /not-configured|not_configured|changeme|change-me|change_me|placeholder|your-|your_|xxxx/i;
const PLACEHOLDER_HOST = /^(?:(?:.*\.)?(?:invalid|example|example\.com|example\.net|example\.org))$/;
const EMAIL = /^[^@,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

export function fail(message: string): never {
  throw new ReceiverError(message);
}

function hostOf(url: string): string {
  let rest = url.slice(url.indexOf('://') + 3).split(/[/?#]/)[0] ?? '';
  rest = rest.slice(rest.lastIndexOf('@') + 1);
  rest = rest.startsWith('[') ? rest.slice(1, rest.indexOf(']')) : (rest.split(':')[0] ?? '');
  return rest.toLowerCase();
}

export function checkUrl(name: string, value: string, allowHttp: boolean): void {
  if (BAD_CHARS.test(value))
    fail(`${name} must be a URL without spaces, quotes, braces, backslashes or $ (percent-encode them)`);
  if (!/^https:\/\/./.test(value)) {
    if (!/^http:\/\/./.test(value)) fail(`${name} must be an absolute URL starting with https://`);
    if (!allowHttp) fail(`${name} must start with https://`);
  }
  const host = hostOf(value);
  if (host === '') fail(`${name} has no host name`);
  if (PLACEHOLDER_HOST.test(host))
    fail(`${name} points at ${host}, a placeholder: put the real URL of your receiver`);
  if (PLACEHOLDER_TEXT.test(value))
    fail(`${name} looks like a placeholder: put the real URL of your receiver`);
}

export function checkKey(name: string, value: string): void {
  if (!/^[A-Za-z0-9]{32}$/.test(value))
    fail(`${name} must be a PagerDuty Events API v2 integration key: 32 letters and digits`);
  if (/^(.)\1*$/.test(value) || PLACEHOLDER_TEXT.test(value))
    fail(`${name} looks like a placeholder: put the integration key of your PagerDuty service`);
}

export function checkEmails(name: string, value: string): void {
  if (BAD_CHARS.test(value)) fail(`${name} must be e-mail addresses separated by commas, without spaces`);
  const addresses = value.split(',');
  if (addresses.includes('')) fail(`${name} holds an empty address`);
  for (const address of addresses) {
    if (!EMAIL.test(address)) fail(`${name} holds an invalid e-mail address`);
    const domain = address.slice(address.indexOf('@') + 1).toLowerCase();
    if (PLACEHOLDER_HOST.test(domain))
      fail(`${name} sends to ${domain}, a placeholder domain: put a real address`);
    if (PLACEHOLDER_TEXT.test(address)) fail(`${name} looks like a placeholder: put a real address`);
  }
}

export function checkSmtp(name: string, env: Env): void {
  const get = (v: string) => env[v] ?? '';
  const host = get('ALERT_SMTP_SMARTHOST');
  if (host === '')
    fail(`${name} needs ALERT_SMTP_SMARTHOST (the SMTP server, host:port) and ALERT_SMTP_FROM`);
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$/.test(host))
    fail('ALERT_SMTP_SMARTHOST must be host:port, e.g. smtp.eu.mailgun.org:587');
  if (PLACEHOLDER_HOST.test(host.slice(0, host.lastIndexOf(':')).toLowerCase()))
    fail('ALERT_SMTP_SMARTHOST is a placeholder: put your SMTP server');
  const from = get('ALERT_SMTP_FROM');
  if (from === '') fail(`${name} needs ALERT_SMTP_FROM (the sender address)`);
  checkEmails('ALERT_SMTP_FROM', from);
  if (from.includes(',')) fail('ALERT_SMTP_FROM must be one address');
  const user = get('ALERT_SMTP_USERNAME');
  const pass = get('ALERT_SMTP_PASSWORD');
  if (user !== '' && BAD_CHARS.test(user))
    fail('ALERT_SMTP_USERNAME must not contain spaces, quotes or braces');
  if (/[\r\n]/.test(pass)) fail('ALERT_SMTP_PASSWORD must be one line');
  if (user !== '' && pass === '') fail('ALERT_SMTP_USERNAME is set without ALERT_SMTP_PASSWORD');
  if (user === '' && pass !== '') fail('ALERT_SMTP_PASSWORD is set without ALERT_SMTP_USERNAME');
  if (!['', 'true', 'false'].includes(get('ALERT_SMTP_REQUIRE_TLS').toLowerCase()))
    fail('ALERT_SMTP_REQUIRE_TLS must be true or false');
}
