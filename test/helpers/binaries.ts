// Locates system binaries for the ops and stack suites; a missing one fails loudly with its install command.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** apt packages that provide each binary the suites use (Debian 12). */
const INSTALL: Record<string, string> = {
  caddy: 'apt-get install -y --no-install-recommends caddy',
  prometheus: 'apt-get install -y --no-install-recommends prometheus',
  promtool: 'apt-get install -y --no-install-recommends prometheus',
  alertmanager: 'apt-get install -y --no-install-recommends prometheus-alertmanager',
  amtool: 'apt-get install -y --no-install-recommends prometheus-alertmanager',
  'prometheus-alertmanager': 'apt-get install -y --no-install-recommends prometheus-alertmanager',
  'redis-server': 'apt-get install -y --no-install-recommends redis-server',
  'prometheus-node-exporter': 'apt-get install -y --no-install-recommends prometheus-node-exporter',
  openssl: 'apt-get install -y --no-install-recommends openssl',
  nginx: 'apt-get install -y --no-install-recommends nginx-light',
  'docker-compose': 'apt-get install -y --no-install-recommends docker-compose',
  // test:kube (podman kube play): runc, because crun refuses hybrid cgroup hosts; catatonit for the pause image.
  podman: 'apt-get install -y --no-install-recommends podman runc catatonit',
  runc: 'apt-get install -y --no-install-recommends runc',
  catatonit: 'apt-get install -y --no-install-recommends catatonit',
  debootstrap: 'apt-get install -y --no-install-recommends debootstrap',
  busybox: 'apt-get install -y --no-install-recommends busybox',
};

/**
 * Returns the absolute path of `name`, or throws an error that names the install command.
 * Suites call this in `before()` so a missing binary fails the run instead of skipping it.
 */
export function requireBinary(name: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    const hint = INSTALL[name] ?? `install ${name}`;
    throw new Error(`required binary "${name}" not found on PATH; install it with: ${hint}`);
  }
}

/**
 * A Caddy of the current release line (2.11+), installed beside Debian's 2.6.2 by
 * `deploy/scripts/current-caddy.sh` (`.ci/run` runs it): for behaviour 2.6.2 gets wrong (POST retries).
 * `SWML_CADDY_CURRENT` may name another binary.
 */
export function requireCurrentCaddy(): string {
  const bin = process.env.SWML_CADDY_CURRENT ?? '/opt/swml-guard/caddy-current/caddy';
  if (existsSync(bin)) return bin;
  throw new Error(
    `a current Caddy (2.11+) is required at ${bin}; install it with: bash deploy/scripts/current-caddy.sh`,
  );
}
