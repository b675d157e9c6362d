// Where `swml-guard call` may send credentials: only to the host the operator named (issue 11).
import { CliError, maskUrl } from './output.js';

const defaultPort = (u: URL) => u.port || (u.protocol === 'https:' ? '443' : '80');

/**
 * The webhook URLs come from the server's SWML document, and the POST to them carries the Basic Auth
 * credentials (and a function token). A compromised or misconfigured agent could name any host there, so a
 * URL whose host, port or scheme differs from the one the operator typed is refused unless `--allow-host`
 * names it (e.g. an agent behind a proxy whose public base differs from the address used to reach it).
 */
export function checkWebhookHost(
  named: URL,
  webhook: string,
  allowed: readonly string[],
  what: string,
): void {
  let target: URL;
  try {
    target = new URL(webhook);
  } catch {
    throw new CliError(`the SWML document has an invalid ${what} URL`, {
      fix: 'check the agent configuration',
    });
  }
  const host = `${target.hostname}:${defaultPort(target)}`.toLowerCase();
  const same =
    target.hostname.toLowerCase() === named.hostname.toLowerCase() &&
    defaultPort(target) === defaultPort(named);
  const downgrade = named.protocol === 'https:' && target.protocol !== 'https:';
  const allow = allowed.map((h) => h.toLowerCase());
  const permitted = allow.includes(host) || allow.includes(target.hostname.toLowerCase());
  if ((same && !downgrade) || (permitted && target.protocol === 'https:') || (permitted && !downgrade))
    return;
  const problem = same
    ? `sends it over ${target.protocol.slice(0, -1)} although you named https`
    : `points at ${target.host}, not at ${named.host} which you named`;
  throw new CliError(
    `the ${what} URL in the SWML document (${maskUrl(webhook)}) ${problem}: not sending your credentials there`,
    {
      fix: same
        ? 'fix the agent public base (SWML_PROXY_URL_BASE must be https)'
        : `if that host is really your agent (e.g. its public name behind a proxy), allow it: --allow-host ${target.hostname}`,
    },
  );
}
