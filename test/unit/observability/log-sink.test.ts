// Backpressure: with stdout stalled, access lines are dropped first, app lines next, audit lines never.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { logSink, type DropStream } from '../../../src/observability/log-sink.js';
import { measured } from '../../../src/observability/stdout.js';

/** A destination that accepts bytes and writes none until `release()` (a log collector that stopped reading). */
class Stalled extends Writable {
  private held: (() => void)[] = [];
  readonly written: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.held.push(() => {
      this.written.push(chunk.toString());
      done();
    });
  }
  release(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) h();
    // Writes queued behind the first are handed to _write one by one as each completes.
    if (this.held.length > 0) this.release();
  }
}

function setup(fileHealthy = false) {
  const out = new Stalled({ highWaterMark: 1024 });
  const drops: DropStream[] = [];
  const blocked: boolean[] = [];
  const sink = logSink(measured(out), {
    limits: { access: 1_000, app: 2_000, audit: 4_000 },
    onDrop: (s) => drops.push(s),
    onBlocked: (b) => blocked.push(b),
  });
  sink.setAuditFileHealthy(fileHealthy);
  return { out, sink, drops, blocked };
}

const line = (kind: string, i: number) => `{"kind":"${kind}","i":${i},"pad":"${'x'.repeat(60)}"}\n`;

describe('log sink backpressure', () => {
  it('access lines go first, app lines next; audit lines are always queued', () => {
    const { out, sink, drops } = setup();
    const access = sink.port('access');
    const app = sink.port('app');
    const audit = sink.port('audit');
    for (let i = 0; i < 100; i++) {
      access.write(line('access', i));
      app.write(line('app', i));
      audit.write(line('audit', i));
    }
    const counts = (s: DropStream) => drops.filter((d) => d === s).length;
    assert.ok(counts('access') > counts('app'), `access ${counts('access')} > app ${counts('app')}`);
    assert.ok(counts('app') > 0);
    assert.equal(counts('audit_copy'), 0, 'no audit line dropped');
    out.release();
    const written = out.written.join('');
    for (let i = 0; i < 100; i++)
      assert.ok(written.includes(`"kind":"audit","i":${i},`), `audit ${i} written`);
  });

  it('without an audit file, a backlog over the audit limit blocks new work until it drains', async () => {
    const { out, sink, blocked } = setup(false);
    const audit = sink.port('audit');
    for (let i = 0; i < 60; i++) audit.write(line('audit', i));
    assert.equal(sink.blocked(), true);
    assert.deepEqual(blocked, [true]);
    out.release();
    await new Promise((r) => setImmediate(r));
    assert.equal(sink.blocked(), false, 'resumes once stdout drained');
    assert.deepEqual(blocked, [true, false]);
    assert.equal(out.written.length, 60, 'every audit line was written');
  });

  it('with a healthy audit file, only the stdout copies of audit lines are dropped (counted), nothing blocks', () => {
    const { sink, drops } = setup(true);
    const audit = sink.port('audit');
    for (let i = 0; i < 100; i++) audit.write(line('audit', i));
    assert.equal(sink.blocked(), false);
    assert.ok(drops.length > 0 && drops.every((d) => d === 'audit_copy'));
  });

  it('flush() resolves true once drained, false when stdout stays stalled past the timeout', async () => {
    const { out, sink } = setup();
    sink.port('audit').write(line('audit', 1));
    assert.equal(await sink.flush(60), false, 'stalled: gives up');
    const pending = sink.flush(5_000);
    out.release();
    assert.equal(await pending, true);
    assert.equal(await sink.flush(10), true, 'nothing queued: at once');
  });
});
