// The admin (internal) port fed a broken %-escape, as a prober would send it: a JSON 400, no stack in the log.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { ADMIN_TOKEN, testApp } from '../helpers/app.js';

const BAD_ESCAPES = [
  '/admin/functions/%E0%A4%A',
  '/admin/functions/%',
  '/admin/functions/%zz',
  '/admin/functions/%C0%80',
];

describe('admin port: malformed percent-escapes', () => {
  it('a bad %-escape in a route parameter is a JSON 400, and nothing changes', async (t) => {
    const { app } = testApp();
    t.after(() => app.guard.close());
    for (const path of BAD_ESCAPES) {
      const res = await request(app.guard.internal)
        .post(path)
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ enabled: false });
      assert.equal(res.status, 400, `${path}: ${res.text}`);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      assert.deepEqual(res.body, { error: 'bad request' }, path);
    }
    const status = await request(app.guard.internal)
      .get('/admin/status')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    assert.deepEqual(status.body.disabled_functions, [], 'no tool was disabled');
  });

  it('the log has no stack trace, no file path and no exception text for it', async (t) => {
    const { app, logs } = testApp();
    t.after(() => app.guard.close());
    await request(app.guard.internal)
      .post('/admin/functions/%E0%A4%A')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ enabled: false })
      .expect(400);
    const text = logs.lines.join('\n');
    assert.doesNotMatch(text, /"stack"|\n\s+at |node_modules|URIError|Failed to decode/);
    assert.ok(!logs.records.some((r) => r.level === 50), 'no error-level line for a client mistake');
  });

  it('without the admin token the same path is 401 (authentication comes first)', async (t) => {
    const { app } = testApp();
    t.after(() => app.guard.close());
    await request(app.guard.internal).post('/admin/functions/%E0%A4%A').send({ enabled: false }).expect(401);
  });
});
