// Where the internal port binds: METRICS_HOST as an address, or a name resolved to this host's own address.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface OwnAddressOptions {
  /** All addresses a name resolves to (default: the system resolver, /etc/hosts then DNS). */
  resolve?: (host: string) => Promise<string[]>;
  /** This host's interface addresses (default: os.networkInterfaces()). */
  localAddresses?: () => Set<string>;
  /** How long to wait for the name to list one of this host's addresses (default 10 s). */
  timeoutMs?: number;
  intervalMs?: number;
}

const systemResolve = async (host: string) => (await lookup(host, { all: true })).map((a) => a.address);

const systemAddresses = () =>
  new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((i) => i?.address)
      .filter((a): a is string => a !== undefined),
  );

/**
 * An IP address is returned as given. A name is resolved, and the answer that is one of this host's own
 * addresses is returned: in Docker Compose, a network alias shared by every replica
 * (`METRICS_HOST=agent-metrics`, set on the `metrics` network only) answers with all replicas' addresses on
 * that network, and each replica binds its own, so the internal port is reachable from that network and
 * from no other (Docker networks cannot filter ports). Right after a container starts, Docker's DNS may not
 * list it yet: the lookup is retried for up to `timeoutMs`. Then it fails with EADDRNOTAVAIL, as a listen
 * on a foreign address would.
 *
 * @example
 * await ownAddress('agent-metrics'); // '172.20.0.3' in one replica, '172.20.0.4' in another
 */
export async function ownAddress(host: string, options: OwnAddressOptions = {}): Promise<string> {
  if (isIP(host) !== 0) return host;
  const resolve = options.resolve ?? systemResolve;
  const localAddresses = options.localAddresses ?? systemAddresses;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    let answers: string[] = [];
    try {
      answers = await resolve(host);
    } catch {
      // Not resolvable (yet): retried until the deadline.
    }
    const local = localAddresses();
    const own = answers.find((a) => local.has(a));
    if (own !== undefined) return own;
    if (Date.now() >= deadline) {
      const err: NodeJS.ErrnoException = new Error(
        `${host} resolves to ${answers.join(', ') || 'no address'}, none of them an address of this host`,
      );
      err.code = 'EADDRNOTAVAIL';
      throw err;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}
