// The durable revocation file: survives reopening, drops expired and torn lines, stays bounded, never lets
// a failed write undo a revocation in memory.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { MemoryRevocationStore } from '../../../src/state/memory.js';
import { FileRevocationStore } from '../../../src/state/revocation-file.js';

const root = mkdtempSync(join(tmpdir(), 'swml-revfile-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${n++}`);
const now = () => Math.floor(Date.now() / 1000);
const lines = (dir: string) =>
  readFileSync(join(dir, 'revocations.log'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));

describe('FileRevocationStore', () => {
  it('a revocation is in the file (fsynced) when revokeCall resolves, and reopening keeps it', async () => {
    const dir = freshDir();
    const store = FileRevocationStore.open(dir);
    const until = now() + 3600;
    await store.revokeCall('call-a', until);
    assert.deepEqual(lines(dir), [`${until} call-a`]);
    assert.equal(await store.isRevoked('call-a'), true);
    assert.equal(await store.isRevoked('call-b'), false);
    await store.close();
    const again = FileRevocationStore.open(dir);
    assert.equal(again.loaded, 1);
    assert.equal(await again.isRevoked('call-a'), true);
    await again.close();
  });

  it('call ids with spaces, newlines or % are stored safely (one line each)', async () => {
    const dir = freshDir();
    const store = FileRevocationStore.open(dir);
    const odd = ['a b', 'x\ny 123 evil', '100%', 'é'];
    await Promise.all(odd.map((id) => store.revokeCall(id, now() + 60)));
    await store.close();
    assert.equal(lines(dir).length, 4);
    const again = FileRevocationStore.open(dir);
    for (const id of odd) assert.equal(await again.isRevoked(id), true, id);
    assert.equal(await again.isRevoked('evil'), false);
    assert.equal(await again.isRevoked('x'), false);
    await again.close();
  });

  it('at startup, expired entries and torn or junk lines are dropped, and the file is compacted', async () => {
    const dir = freshDir();
    FileRevocationStore.open(dir);
    const t = now();
    writeFileSync(
      join(dir, 'revocations.log'),
      `${t + 100} live\n${t - 1} expired\njunk line\n${t + 100}\n${t + 50} live\n${t + 999} call-cut-sh`,
    );
    const store = FileRevocationStore.open(dir);
    assert.equal(await store.isRevoked('live'), true);
    assert.equal(await store.isRevoked('expired'), false);
    assert.equal(
      await store.isRevoked('call-cut-sh'),
      false,
      'a line without its newline was cut by a crash',
    );
    assert.ok(lines(dir).every((l) => /^\d+ \S+$/.test(l)));
    assert.equal(lines(dir).filter((l) => l.endsWith(' live')).length, 1, 'compacted: one line per call');
    await store.close();
  });

  it('stays bounded: many revocations of few calls are compacted while running', async () => {
    const dir = freshDir();
    const store = FileRevocationStore.open(dir);
    for (let i = 0; i < 3000; i++) await store.revokeCall(`call-${i % 5}`, now() + 600 + i);
    await store.close();
    const count = lines(dir).length;
    assert.ok(count <= 5 * 2 + 1024 + 1, `${count} lines for 5 live revocations`);
    const again = FileRevocationStore.open(dir);
    assert.equal(again.loaded, 5);
    await again.close();
  });

  it('revocations that arrive together are written in one batch and all resolve', async () => {
    const dir = freshDir();
    const store = FileRevocationStore.open(dir);
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.revokeCall(`c${i}`, now() + 60)));
    assert.equal(lines(dir).length, 500);
    await store.close();
  });

  it('a folder that cannot be used is a ConfigError naming it (exit 78)', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    for (const dir of [file, join(file, 'below')]) {
      assert.throws(
        () => FileRevocationStore.open(dir),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.code === 'ERR_SWML_STATE_DIR' &&
          err.exitCode === 78 &&
          err.message.includes(dir),
      );
    }
  });
});

describe('MemoryRevocationStore cap', () => {
  it('past 100000 live entries, the one that expires first is dropped, never the newest', () => {
    const store = new MemoryRevocationStore();
    const t = now();
    store.set('expires-first', t + 10);
    for (let i = 0; i < 99_999; i++) store.set(`c${i}`, t + 1000);
    assert.equal(store.size, 100_000);
    store.set('newest', t + 500);
    assert.equal(store.size, 100_000);
    assert.equal(store.has('expires-first'), false);
    assert.equal(store.has('newest'), true);
  });
});

describe('SWML_STATE_DIR in the configuration', () => {
  it('is resolved to an absolute path; production needs it (or REDIS_URL); development warns without both', () => {
    const secrets = {
      SWML_BASIC_AUTH_PASSWORD: 'prod-password-0123456789-abcdefghijkl',
      SWML_TOKEN_SECRET: 'prod-token-secret-0123456789-abcdefghij',
    };
    assert.equal(
      loadConfig({ env: { ...secrets, SWML_STATE_DIR: 'state' } }).stateDir,
      join(process.cwd(), 'state'),
    );
    assert.throws(() => loadConfig({ env: { ...secrets, NODE_ENV: 'production' } }), {
      code: 'ERR_SWML_STATE_DIR',
    });
    loadConfig({ env: { ...secrets, NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:1' } });
    const dev = loadConfig({ env: secrets });
    assert.ok(dev.warnings.some((w) => w.code === 'WRN_SWML_REVOCATIONS_IN_MEMORY'));
    const durable = loadConfig({ env: { ...secrets, SWML_STATE_DIR: '/tmp/x' } });
    assert.ok(!durable.warnings.some((w) => w.code === 'WRN_SWML_REVOCATIONS_IN_MEMORY'));
  });
});
