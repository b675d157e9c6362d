import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { requireBinary } from '../helpers/binaries.js';
import { PASSWORD, USER, swaigBody, testApp } from '../helpers/app.js';

describe('metrics exposition', () => {
  let promtool = '';
  before(() => {
    promtool = requireBinary('promtool');
  });

  it('passes `promtool check metrics` after traffic', async () => {
    const { app } = testApp();
    await request(app).get('/').auth(USER, 'wrong').expect(401);
    await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'x', from: '+15550001111' } })
      .expect(200);
    await request(app).post('/swaig').auth(USER, PASSWORD).send(swaigBody('get_balance')).expect(200);
    const text = (await request(app.guard.internal).get('/metrics').expect(200)).text;
    const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.equal(`${result.stdout}${result.stderr}`.trim(), '', 'no lint findings');
  });
});
