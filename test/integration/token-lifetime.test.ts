// A function token covers a long call (SWML_TOKEN_TTL default 4 h), and the end of the call still ends it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { loadConfig } from '../../src/config/index.js';
import { PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';

const ARGS = { amount: 5, to_account: '0123456789' };
const HOUR = 3_600_000;

describe('token lifetime', () => {
  it('defaults to 14400 s (SignalWire calls run up to 4 hours)', () => {
    assert.equal(loadConfig({ env: {} }).token.ttlSeconds, 14_400);
  });

  it('a call of 3 h 59 min can still move money; the token is dead 4 h after the call started', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.UTC(2030, 0, 1) });
    const { app, logs } = testApp();
    const start = async (callId: string) =>
      (
        await request(app)
          .post('/')
          .auth(USER, PASSWORD)
          .send({ call: { call_id: callId } })
          .expect(200)
      ).body as unknown;
    const transfer = (path: string, callId: string) =>
      request(app)
        .post(path)
        .auth(USER, PASSWORD)
        .send(swaigBody('transfer_funds', ARGS, { call_id: callId }));

    const long = tokenFor(await start('call-long'), 'transfer_funds').path;
    t.mock.timers.tick(4 * HOUR - 60_000);
    const late = await transfer(long, 'call-long');
    assert.equal(late.status, 200, 'an hour-long token (the old default) would have been refused here');
    assert.equal((late.body as { response: string }).response, 'Transferred $5 to account 0123456789');

    t.mock.timers.tick(60_000);
    assert.equal((await transfer(long, 'call-long')).status, 403);
    assert.equal(logs.audit('security').at(-1)?.reason, 'expired');
  });

  it('the end of the call still revokes the long-lived token at once', async () => {
    const { app, logs } = testApp();
    const swml = (
      await request(app)
        .post('/')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: 'call-ends' } })
    ).body as { sections: { main: [unknown, { ai: { post_prompt_url: string } }] } };
    const end = new URL(swml.sections.main[1].ai.post_prompt_url);
    await request(app)
      .post(`${end.pathname}${end.search}`)
      .auth(USER, PASSWORD)
      .send({ action: 'post_conversation', call_id: 'call-ends' })
      .expect(200);
    const res = await request(app)
      .post(tokenFor(swml, 'transfer_funds').path)
      .auth(USER, PASSWORD)
      .send(swaigBody('transfer_funds', ARGS, { call_id: 'call-ends' }));
    assert.equal(res.status, 403);
    assert.equal(logs.audit('security').at(-1)?.reason, 'revoked');
  });
});
