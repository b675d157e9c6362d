// compose(): units run in order, sync or async, the first refusal stops the rest, errors go to Express.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { compose, DROPPED, type Unit, type Verdict } from '../../../src/http/pipeline.js';
import { refusal, type Refusal } from '../../../src/http/refusal.js';
import { RequestState } from '../../../src/http/request-state.js';

function harness(units: Unit[]) {
  const seen: string[] = [];
  const refused: Refusal[] = [];
  const errors: unknown[] = [];
  const state = new RequestState('req-1', '127.0.0.1', { template: '/t', observe: () => {} });
  const message = new IncomingMessage(new Socket());
  const req = Object.assign(message, { state }) as Request;
  const res = new ServerResponse(message) as Response;
  const pipeline = compose(
    units,
    (_req, _res, s) => {
      assert.equal(s, state);
      seen.push('handler');
    },
    (_req, _res, _s, r) => refused.push(r),
  );
  const next: NextFunction = (err?: unknown) => errors.push(err);
  const run = async () => {
    pipeline(req, res, next);
    await new Promise((r) => setImmediate(r));
  };
  return { seen, refused, errors, run };
}

const unit = (name: string, seen: () => string[], verdict: () => Verdict | Promise<Verdict>): Unit => ({
  name,
  run: () => (seen().push(name), verdict()),
});

describe('compose: one pipeline per route', () => {
  it('runs sync and async units in order, then the handler', async () => {
    const h = harness([]);
    const units = [
      unit(
        'a',
        () => h.seen,
        () => undefined,
      ),
      unit(
        'b',
        () => h.seen,
        () => Promise.resolve(undefined),
      ),
      unit(
        'c',
        () => h.seen,
        () => undefined,
      ),
    ];
    const h2 = harness(units);
    // the units push into h.seen; run through h2's pipeline
    await h2.run();
    assert.deepEqual(h.seen, ['a', 'b', 'c']);
    assert.deepEqual(h2.seen, ['handler']);
    assert.deepEqual(h2.refused, []);
  });

  it('the first refusal (sync or async) goes to the hook once and stops the rest', async () => {
    for (const async of [false, true]) {
      const seen: string[] = [];
      const no = refusal(403, { audit: 'x' });
      const h = harness([
        unit(
          'a',
          () => seen,
          () => undefined,
        ),
        unit(
          'b',
          () => seen,
          () => (async ? Promise.resolve(no) : no),
        ),
        unit(
          'c',
          () => seen,
          () => undefined,
        ),
      ]);
      await h.run();
      assert.deepEqual(seen, ['a', 'b'], `async=${async}`);
      assert.deepEqual(h.refused, [no]);
      assert.deepEqual(h.seen, [], 'no handler');
    }
  });

  it('DROPPED ends the request without a refusal; a throw or rejection goes to next(err)', async () => {
    const dropped = harness([{ name: 'd', run: () => DROPPED }]);
    await dropped.run();
    assert.deepEqual([dropped.refused, dropped.seen, dropped.errors], [[], [], []]);
    const boom = new Error('boom');
    for (const run of [
      () => {
        throw boom;
      },
      () => Promise.reject(boom),
    ]) {
      const h = harness([{ name: 'e', run }]);
      await h.run();
      assert.deepEqual(h.errors, [boom]);
      assert.deepEqual(h.seen, []);
    }
  });
});
