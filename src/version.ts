// The package version, read once from package.json (for swml_build_info and the CLI).
import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'swml-guard' && pkg.version) return pkg.version;
    } catch {
      // try the next location (src/ when run with tsx, dist/ when built)
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
