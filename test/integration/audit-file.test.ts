// AUDIT_LOG_FILE: the same lines as stdout, files created 0600, rotated by size with a bounded number of
// files (earlier runs included), nothing lost on a clean close, and a failing file stops new work (503).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { serve } from '../../src/http/serve.js';
import { expandAuditPath, openAuditFile } from '../../src/observability/audit-file.js';
import { PASSWORD, USER, swaigBody, testApp } from '../helpers/app.js';

type App = ReturnType<typeof testApp>['app'];

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'swml-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The numbered files pino-roll writes for `audit.log`, oldest first. */
function auditFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^audit\.\d+\.log$/.test(f))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

function readAll(dir: string): string[] {
  return auditFiles(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
}

/** Distinct calls, each a call_start audit line of known content. */
async function calls(app: App, n: number, prefix: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: `${prefix}-${i}`, from: '+15551230000' } });
    assert.equal(res.status, 200);
  }
}

describe('AUDIT_LOG_FILE', () => {
  it('holds exactly the audit lines of stdout, in a 0600 file created with its folder', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'nested', 'audit.log');
    const { app, logs } = testApp({ env: { AUDIT_LOG_FILE: file } });
    assert.equal(await app.guard.runtime.logsReady, undefined);
    await calls(app, 3, 'same');
    await request(app).get('/').auth(USER, 'wrong');
    assert.equal(await app.guard.close(), true);
    const folder = join(dir, 'nested');
    assert.deepEqual(auditFiles(folder), ['audit.1.log']);
    assert.equal(statSync(join(folder, 'audit.1.log')).mode & 0o777, 0o600, 'owner read/write only');
    const auditLines = logs.lines.filter((l) => (JSON.parse(l) as { audit?: boolean }).audit === true);
    assert.ok(auditLines.length >= 4);
    assert.deepEqual(readAll(folder), auditLines, 'exactly the audit lines, byte for byte');
    assert.ok(!readAll(folder).some((l) => l.includes('request completed')), 'no access lines');
  });

  it('a file left world-readable by an earlier version is tightened to 0600; numbering continues', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'audit.4.log'), '{"audit":true,"event":"pre_existing"}\n', { mode: 0o644 });
    chmodSync(join(dir, 'audit.4.log'), 0o644);
    const { app } = testApp({ env: { AUDIT_LOG_FILE: join(dir, 'audit.log') } });
    await app.guard.runtime.logsReady;
    await calls(app, 1, 'tight');
    await app.guard.close();
    assert.deepEqual(auditFiles(dir), ['audit.4.log']);
    assert.equal(statSync(join(dir, 'audit.4.log')).mode & 0o777, 0o600);
    const lines = readAll(dir);
    assert.equal(lines[0], '{"audit":true,"event":"pre_existing"}', 'earlier lines are kept');
    assert.ok(lines.some((l) => l.includes('"call_id":"tight-0"')));
  });

  it('rotates by size and keeps AUDIT_LOG_MAX_FILES files, across restarts; the newest lines survive', async (t) => {
    const dir = tempDir(t);
    const env = {
      AUDIT_LOG_FILE: join(dir, 'audit.log'),
      AUDIT_LOG_MAX_SIZE: '16kb',
      AUDIT_LOG_MAX_FILES: '3',
    };
    const maxBytes = 16 * 1024;
    for (const run of ['first', 'second']) {
      const { app } = testApp({ env });
      await app.guard.runtime.logsReady;
      await calls(app, 150, run); // ~45 KB of call_start lines per run: several rotations
      await app.guard.close();
      const files = auditFiles(dir);
      assert.ok(files.length <= 3, `${run}: ${files.join(', ')}`);
      assert.ok(files.length >= 2, `${run}: rotated (${files.join(', ')})`);
      for (const f of files) {
        const { size, mode } = statSync(join(dir, f));
        assert.equal(mode & 0o777, 0o600, `${f} is 0600`);
        // A file is rotated after the write that crosses the size: at most one line over.
        assert.ok(size <= maxBytes + 1024, `${f}: ${size} bytes`);
      }
      const lines = readAll(dir);
      assert.ok(lines.at(-1)?.includes(`"call_id":"${run}-149"`), 'the newest line is in the newest file');
      // No gap inside what is kept: the call ids of this run that remain are consecutive up to the last.
      const ids = lines
        .map((l) => new RegExp(`"call_id":"${run}-(\\d+)"`).exec(l)?.[1])
        .filter((x): x is string => x !== undefined)
        .map(Number);
      assert.deepEqual(
        ids,
        ids.map((_, i) => 150 - ids.length + i),
      );
    }
  });

  it('guard.close() writes everything and closes the handle (idempotent)', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'audit.log');
    const handles = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(join(dir, 'audit.'));
        } catch {
          return false;
        }
      }).length;
    const { app } = testApp({ env: { AUDIT_LOG_FILE: file } });
    await app.guard.runtime.logsReady;
    await request(app).get('/').auth(USER, 'wrong');
    assert.equal(handles(), 1);
    await Promise.all([app.guard.close(), app.guard.close()]);
    await new Promise((r) => setImmediate(r));
    assert.equal(handles(), 0);
    assert.match(readAll(dir).join('\n'), /"type":"auth_failure"/);
  });

  it('a file that cannot be written (disk full) stops new work with 503 and says so loudly', async (t) => {
    const dir = tempDir(t);
    // audit.1.log -> /dev/full: every write fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', join(dir, 'audit.1.log'));
    const modeBefore = statSync('/dev/full').mode;
    const { app, logs } = testApp({ env: { AUDIT_LOG_FILE: join(dir, 'audit.log') } });
    t.after(() => app.guard.close({ flushTimeoutMs: 100 }));
    await app.guard.runtime.logsReady;
    assert.equal(statSync('/dev/full').mode, modeBefore, 'a device behind a symlink is never chmod-ed');
    // The startup lines (config warnings) already met the full disk: no new call starts.
    const next = await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'full-2' } });
    assert.equal(next.status, 503);
    assert.equal(next.headers['retry-after'], '5');
    assert.ok(!logs.audit('call_start').some((e) => e.call_id === 'full-2'), 'no work was done');
    assert.equal((await request(app).get('/ready')).status, 503, 'not ready while audit cannot be written');
    assert.equal((await request(app).get('/health')).status, 200, 'alive: a restart would not help');
    const [blocked] = logs.audit('audit_backpressure');
    assert.equal(blocked?.state, 'blocked');
    assert.match(String(blocked?.reason), /^audit_file_error:ENOSPC$/);
    const gauge = await app.guard.runtime.metrics.auditBlocked.get();
    assert.equal(gauge.values[0]?.value, 1);
    assert.ok(logs.audit('config_warning').length > 0, 'the lines the file refused are still on stdout');
  });

  it('serve() refuses to start when AUDIT_LOG_FILE cannot be opened (ERR_SWML_AUDIT_LOG_FILE)', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'ro'));
    writeFileSync(join(dir, 'ro', 'not-a-dir'), '');
    await assert.rejects(
      serve(createBankAgent(), {
        env: {
          SWML_BASIC_AUTH_PASSWORD: PASSWORD,
          PORT: '0',
          METRICS_PORT: '0',
          HOST: '127.0.0.1',
          AUDIT_LOG_FILE: join(dir, 'ro', 'not-a-dir', 'audit.log'),
        },
        handleSignals: false,
        logDestination: { write: () => true },
      }),
      (err: Error & { code?: string; exitCode?: number }) => {
        assert.equal(err.code, 'ERR_SWML_AUDIT_LOG_FILE');
        assert.equal(err.exitCode, 78);
        assert.match(err.message, /AUDIT_LOG_FILE .*not-a-dir.* cannot be opened \((ENOTDIR|EEXIST)\)/);
        return true;
      },
    );
  });

  it('function_call lines in the file carry the masked account, never the full one', async (t) => {
    const dir = tempDir(t);
    const { app } = testApp({ env: { AUDIT_LOG_FILE: join(dir, 'audit.log') } });
    await app.guard.runtime.logsReady;
    await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send(swaigBody('get_balance', {}, { caller_id_num: '+15557654321' }));
    await app.guard.close();
    const text = readAll(dir).join('\n');
    assert.match(text, /"caller":"\*\*\*4321"/);
    assert.ok(!text.includes('7654321'));
  });

  it('%h in AUDIT_LOG_FILE is the host name: one folder per replica on a shared volume', async (t) => {
    const dir = tempDir(t);
    const { app } = testApp({ env: { AUDIT_LOG_FILE: join(dir, '%h', 'audit.log') } });
    assert.equal(await app.guard.runtime.logsReady, undefined);
    await calls(app, 2, 'per-host');
    await app.guard.close();
    const folder = join(dir, expandAuditPath('%h'));
    assert.deepEqual(readdirSync(dir), [expandAuditPath('%h')]);
    assert.ok(readAll(folder).some((l) => l.includes('"call_id":"per-host-1"')));
    assert.equal(expandAuditPath('/v/%h/audit.log', '3f2a9c1b7d4e'), '/v/3f2a9c1b7d4e/audit.log');
    assert.equal(expandAuditPath('/v/%h/a-%h.log', 'pod/x y'), '/v/pod_x_y/a-pod_x_y.log', 'no / or space');
    assert.equal(expandAuditPath('/v/%h/audit.log', '..'), '/v/host/audit.log', 'never a parent folder');
    assert.equal(expandAuditPath('/v/audit.log', 'a'), '/v/audit.log');
    assert.equal(expandAuditPath('%h', hostname()).length > 0, true);
  });

  // Measured with one shared file (the compose default before): a replica writing 40 lines for each line
  // of a quieter one deleted the quieter one's current file while rotating; all 50 of its lines were lost.
  it('two replicas at different rates on one volume, each on its own %h file: both keep their newest lines', async (t) => {
    const dir = tempDir(t);
    const open = (host: string) =>
      openAuditFile({
        path: expandAuditPath(join(dir, '%h', 'audit.log'), host),
        maxBytes: 2048,
        files: 3,
        onHealth: () => undefined,
      });
    const busy = open('replica-busy');
    const quiet = open('replica-quiet');
    assert.equal(await busy.ready, undefined);
    assert.equal(await quiet.ready, undefined);
    const line = (w: string, i: number) => `${JSON.stringify({ audit: true, w, i, pad: 'x'.repeat(60) })}\n`;
    let b = 0;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 40; i++) busy.write(line('busy', b++));
      quiet.write(line('quiet', round));
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all([busy.close(), quiet.close()]);
    const kept = (host: string) => readAll(join(dir, host)).map((l) => (JSON.parse(l) as { i: number }).i);
    assert.deepEqual(
      kept('replica-quiet'),
      Array.from({ length: 30 }, (_, i) => i),
      'the quiet replica lost nothing',
    );
    assert.equal(kept('replica-busy').at(-1), b - 1, "the busy replica's newest line is kept");
  });
});
