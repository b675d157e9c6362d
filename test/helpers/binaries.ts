// Locates system binaries for the ops and stack suites; a missing one fails loudly with its install command.
import { execFileSync } from 'node:child_process';

/** apt packages that provide each binary the suites use (Debian 12). */
const INSTALL: Record<string, string> = {
  caddy: 'apt-get install -y --no-install-recommends caddy',
  prometheus: 'apt-get install -y --no-install-recommends prometheus',
  promtool: 'apt-get install -y --no-install-recommends prometheus',
  alertmanager: 'apt-get install -y --no-install-recommends prometheus-alertmanager',
  amtool: 'apt-get install -y --no-install-recommends prometheus-alertmanager',
  'prometheus-alertmanager': 'apt-get install -y --no-install-recommends prometheus-alertmanager',
  'redis-server': 'apt-get install -y --no-install-recommends redis-server',
  openssl: 'apt-get install -y --no-install-recommends openssl',
  nginx: 'apt-get install -y --no-install-recommends nginx-light',
  'docker-compose': 'apt-get install -y --no-install-recommends docker-compose',
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
