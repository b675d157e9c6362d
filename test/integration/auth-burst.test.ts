// A burst of wrong passwords sent all at once (memory store): the failed-auth limit holds exactly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { PASSWORD, USER, testApp } from '../helpers/app.js';
import { burst } from '../helpers/burst.js';

describe('failed-auth limit under a parallel burst (memory store)', () => {
  it('300 parallel wrong guesses against a limit of 20: at most 20 are 401, the rest 429', async (t) => {
    const { app, logs } = testApp({ env: { SWML_AUTH_FAILURE_LIMIT: '20' } });
    t.after(() => app.guard.close());
    const counts = await burst(app, 300, (i) => `${USER}:guess-${i}`);
    assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), 300, JSON.stringify(counts));
    assert.ok((counts[401] ?? 0) <= 20, `401s past the limit: ${JSON.stringify(counts)}`);
    assert.equal(counts[401], 20, 'each of the first 20 failures is a 401');
    // The client stays blocked, even with the right password.
    assert.equal((await request(app).get('/').auth(USER, PASSWORD)).status, 429);
    const limited = await app.guard.runtime.metrics.rateLimited.get();
    assert.equal(limited.values.find((v) => v.labels.limiter === 'auth')?.value, 281);
    assert.ok(logs.audit('security').some((e) => e.type === 'rate_limited' && e.limiter === 'auth'));
  });
});
