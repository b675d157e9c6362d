import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readEnvFile } from '../../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'swml-env-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readEnvFile: .env under the environment', () => {
  it("adds the file's variables; a variable set in the environment wins, even when empty", () => {
    writeFileSync(
      join(dir, '.env'),
      '# comment\nPORT=4000\nSWML_BASIC_AUTH_USER="from file"\nLOG_LEVEL=debug\nexport HOST=127.0.0.1\n',
    );
    const { env, file, fromFile } = readEnvFile({ env: { PORT: '5000', LOG_LEVEL: '' }, cwd: dir });
    assert.equal(file, join(dir, '.env'));
    assert.equal(env.PORT, '5000');
    assert.equal(env.LOG_LEVEL, '');
    assert.equal(env.SWML_BASIC_AUTH_USER, 'from file');
    assert.equal(env.HOST, '127.0.0.1');
    assert.deepEqual(fromFile.sort(), ['HOST', 'SWML_BASIC_AUTH_USER']);
  });

  it('no .env: the environment unchanged', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const env = { PORT: '1' };
    assert.deepEqual(readEnvFile({ env, cwd: empty }), { env, file: undefined, fromFile: [] });
  });

  it('a named file that is missing, or a .env that cannot be read, stops with ERR_SWML_ENV_FILE', () => {
    assert.throws(
      () => readEnvFile({ env: {}, cwd: dir, file: 'prod.env' }),
      (e: unknown) =>
        e instanceof ConfigError && e.code === 'ERR_SWML_ENV_FILE' && /prod\.env \(ENOENT\)/.test(e.message),
    );
    const folder = join(dir, 'as-folder');
    mkdirSync(join(folder, '.env'), { recursive: true });
    assert.throws(
      () => readEnvFile({ env: {}, cwd: folder }),
      (e: unknown) => e instanceof ConfigError && e.code === 'ERR_SWML_ENV_FILE' && e.exitCode === 78,
    );
  });
});
