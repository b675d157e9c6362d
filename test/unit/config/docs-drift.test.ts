import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { ENV, ENV_NAMES } from '../../../src/config/options.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('documentation agrees with the configuration module', () => {
  it('README lists every variable with its default', () => {
    const readme = read('README.md');
    for (const name of ENV_NAMES) {
      const spec = ENV[name];
      const fallback =
        'default' in spec ? (spec.default === '' ? '(empty)' : `\`${spec.default}\``) : 'unset';
      assert.ok(readme.includes(`| \`${name}\` | ${fallback} |`), `README env table row for ${name}`);
    }
  });

  it('.env.example mentions every variable', () => {
    const example = read('.env.example');
    for (const name of ENV_NAMES) assert.match(example, new RegExp(`^#?\\s*${name}=`, 'm'), name);
  });

  it('docs/error-codes.md documents every ERR_/WRN_ code the source can emit', () => {
    const docs = read('docs/error-codes.md');
    const files = readdirSync(new URL('../../../src/config/', import.meta.url)).filter((f) =>
      f.endsWith('.ts'),
    );
    const codes = new Set(
      files.flatMap((f) =>
        [...read(`src/config/${f}`).matchAll(/'((?:ERR|WRN)_SWML_[A-Z_]+)'/g)].map((m) => m[1]),
      ),
    );
    assert.ok(codes.size >= 10);
    for (const code of codes) assert.ok(docs.includes(`\`${code}\``), code);
  });

  it('nothing outside src/config reads process.env', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(new URL(`../../../${dir}`, import.meta.url), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (
          path.endsWith('.ts') &&
          !path.startsWith('src/config/') &&
          !path.startsWith('src/cli/') &&
          read(path)
            .split('\n')
            .some((l) => l.includes('process.env') && !/^\s*(\/\/|\*|\/\*)/.test(l))
        ) {
          offenders.push(path);
        }
      }
    };
    walk('src');
    assert.deepEqual(offenders, []);
  });
});
