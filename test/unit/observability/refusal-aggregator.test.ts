// The refusal aggregator on fake timers: first line in full, one summary per client per window, bounded state.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { refusalAggregator, type RefusalSummary } from '../../../src/observability/refusal-aggregator.js';

function fake(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 });
}

function setup(t: TestContext, maxEntries = 100) {
  fake(t);
  const out: RefusalSummary[] = [];
  const agg = refusalAggregator({ windowMs: 10_000, maxEntries, emit: (s) => out.push(s) });
  t.after(() => agg.close());
  return { agg, out };
}

describe('refusal aggregator', () => {
  it('a flood from one client: the first refusal in full, then one summary per window with the count', (t) => {
    const { agg, out } = setup(t);
    const admitted = Array.from({ length: 1835 }, () =>
      agg.admit('rate_limited:ip', '10.0.0.1', { limiter: 'ip' }),
    );
    assert.equal(admitted.filter(Boolean).length, 1, 'one line in full');
    assert.equal(admitted[0], true);
    assert.equal(out.length, 0, 'nothing until the window ends');
    t.mock.timers.tick(10_000);
    assert.deepEqual(out, [
      { kind: 'rate_limited:ip', client: '10.0.0.1', count: 1834, windowS: 10, fields: { limiter: 'ip' } },
    ]);
    // The flood goes on: no new first line, one summary per window.
    for (let i = 0; i < 50; i++) assert.equal(agg.admit('rate_limited:ip', '10.0.0.1', {}), false);
    t.mock.timers.tick(10_000);
    assert.equal(out.length, 2);
    assert.equal(out[1]?.count, 50);
  });

  it('a quiet window forgets the client: its next refusal is written in full again', (t) => {
    const { agg, out } = setup(t);
    assert.equal(agg.admit('auth_failure:basic:invalid', 'a', {}), true);
    t.mock.timers.tick(10_000); // window 1 ends: one refusal, no summary
    assert.equal(out.length, 0);
    t.mock.timers.tick(10_000); // window 2: quiet, the entry goes
    assert.equal(agg.admit('auth_failure:basic:invalid', 'a', {}), true);
  });

  it('kinds and clients are counted apart', (t) => {
    const { agg, out } = setup(t);
    for (const [kind, client] of [
      ['http_404', 'a'],
      ['http_404', 'b'],
      ['http_401', 'a'],
    ] as const) {
      assert.equal(agg.admit(kind, client, {}), true);
      assert.equal(agg.admit(kind, client, {}), false);
    }
    t.mock.timers.tick(10_000);
    assert.deepEqual(out.map((s) => [s.kind, s.client, s.count]).sort(), [
      ['http_401', 'a', 1],
      ['http_404', 'a', 1],
      ['http_404', 'b', 1],
    ]);
  });

  it('thousands of clients: at most maxEntries tracked, the rest folded into one "other clients" line per kind', (t) => {
    const { agg, out } = setup(t, 100);
    let full = 0;
    for (let i = 0; i < 5000; i++)
      if (agg.admit('http_404', `10.1.${i >> 8}.${i & 255}`, { status: 404 })) full++;
    for (let i = 0; i < 300; i++) agg.admit('http_401', `10.2.0.${i}`, { status: 401 });
    assert.equal(full, 100, 'first lines are bounded by the table size');
    t.mock.timers.tick(10_000);
    const other = out.filter((s) => s.client === null);
    assert.deepEqual(other.map((s) => [s.kind, s.count]).sort(), [
      ['http_401', 300],
      ['http_404', 4900],
    ]);
    assert.equal(out.length, 2, 'tracked clients refused once each: no summary of their own');
  });

  it('lines per window stay bounded whatever the traffic: <= 2 x maxEntries + one per kind', (t) => {
    const { agg, out } = setup(t, 50);
    const kinds = ['http_404', 'http_401', 'rate_limited:ip'];
    for (let window = 0; window < 5; window++) {
      let full = 0;
      const before = out.length;
      for (let i = 0; i < 20_000; i++) {
        const kind = kinds[i % 3]!;
        if (agg.admit(kind, `c${(i * 7919 + window * 13) % 4000}`, {})) full++;
      }
      t.mock.timers.tick(10_000);
      const lines = full + (out.length - before);
      assert.ok(lines <= 2 * 50 + kinds.length, `window ${window}: ${lines} lines`);
    }
  });

  it('close() writes the pending summaries: nothing is lost at shutdown', (t) => {
    const { agg, out } = setup(t);
    agg.admit('token_rejected:transfer_funds:invalid', 'x', { reason: 'invalid' });
    agg.admit('token_rejected:transfer_funds:invalid', 'x', { reason: 'invalid' });
    agg.admit('token_rejected:transfer_funds:invalid', 'x', { reason: 'invalid' });
    agg.close();
    assert.deepEqual(
      out.map((s) => [s.client, s.count]),
      [['x', 2]],
    );
    t.mock.timers.tick(60_000);
    assert.equal(out.length, 1, 'the timer is stopped');
  });
});
