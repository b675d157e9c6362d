// A burst of wrong passwords sent all at once against two replicas on a real redis-server: the failed-auth
// limit holds across them (count and decide in one step), where 300 guesses used to get 300 answers of 401.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { PASSWORD, USER, testApp } from '../helpers/app.js';
import { burst } from '../helpers/burst.js';
import { redisServer, type RedisServer } from '../helpers/redis-server.js';

let redis: RedisServer;
before(async () => {
  redis = await redisServer();
  await redis.start();
});
after(() => redis.dispose());

async function replica(limit: string) {
  const made = testApp({ env: { REDIS_URL: redis.url, SWML_AUTH_FAILURE_LIMIT: limit } });
  await made.app.guard.runtime.state.ready?.();
  return made;
}

describe('failed-auth limit on Redis under a parallel burst', () => {
  it('300 parallel wrong guesses, limit 20: at most 20 answers are 401', async (t) => {
    const { app } = await replica('20');
    t.after(() => app.guard.close());
    const counts = await burst(app, 300, (i) => `${USER}:guess-${i}`);
    assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), 300, JSON.stringify(counts));
    assert.ok((counts[401] ?? 0) <= 20, `401s past the limit: ${JSON.stringify(counts)}`);
    assert.equal(
      (await request(app).get('/').auth(USER, PASSWORD)).status,
      429,
      'blocked, right password too',
    );
  });

  it('two replicas share the count: bursts on both together still get at most `limit` 401s', async (t) => {
    const client = await redis.client();
    t.after(() => client.disconnect());
    await client.flushall();
    const a = await replica('10');
    const b = await replica('10');
    t.after(() => Promise.all([a.app.guard.close(), b.app.guard.close()]));
    const [ca, cb] = await Promise.all([
      burst(a.app, 100, (i) => `${USER}:a-${i}`),
      burst(b.app, 100, (i) => `${USER}:b-${i}`),
    ]);
    const unauthorized = (ca[401] ?? 0) + (cb[401] ?? 0);
    assert.ok(unauthorized <= 10, `401s: ${JSON.stringify({ a: ca, b: cb })}`);
    assert.equal(unauthorized + (ca[429] ?? 0) + (cb[429] ?? 0), 200);
  });
});
