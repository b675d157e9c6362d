// post_prompt as SignalWire uses it: big summaries, two end-of-call shapes, and actions that must end nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { PASSWORD, USER, swaigBody, testApp, tokenFor } from '../helpers/app.js';

type Doc = { sections: { main: [unknown, { ai: { post_prompt_url: string } }] } };
const ARGS = { amount: 5, to_account: '0123456789' };

function setup() {
  const seen: { summary: unknown; raw: Record<string, unknown> }[] = [];
  const agent = createBankAgent();
  agent.onSummary((summary, raw) => {
    seen.push({ summary, raw });
    return undefined;
  });
  const made = testApp({ agent, env: { SWML_CALLER_FUNCTION_LIMIT: '1000' } });
  const start = async (callId: string) => {
    const doc = (
      await request(made.app)
        .post('/')
        .auth(USER, PASSWORD)
        .send({ call: { call_id: callId } })
    ).body as Doc;
    const end = new URL(doc.sections.main[1].ai.post_prompt_url);
    return { doc, endPath: `${end.pathname}${end.search}` };
  };
  const transfer = (doc: Doc, callId: string) =>
    request(made.app)
      .post(tokenFor(doc, 'transfer_funds').path)
      .auth(USER, PASSWORD)
      .send(swaigBody('transfer_funds', ARGS, { call_id: callId }));
  const post = (path: string, body: string) =>
    request(made.app).post(path).auth(USER, PASSWORD).type('json').send(body);
  return { ...made, seen, start, transfer, post };
}

/** A post_conversation body whose call log (the whole conversation) makes it `bytes` long. */
function bigSummary(callId: string, bytes: number): string {
  const turn = { role: 'user', content: 'x'.repeat(1000) };
  const turns = Array.from({ length: Math.ceil(bytes / 1000) }, () => turn);
  return JSON.stringify({
    action: 'post_conversation',
    call_id: callId,
    call_log: turns,
    post_prompt_data: { parsed: [{ intent: 'transfer', resolved: true }] },
  });
}

describe('post_prompt', () => {
  it('accepts a 5 MB summary with the full conversation, while /swaig and / keep the 1 MB limit', async () => {
    const { start, post, seen } = setup();
    const { endPath } = await start('call-big');
    const body = bigSummary('call-big', 5 * 1024 * 1024);
    assert.ok(body.length > 5 * 1024 * 1024);
    const res = await post(endPath, body);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.deepEqual(seen.at(-1)?.summary, { intent: 'transfer', resolved: true });
    assert.equal((await post('/swaig', body)).status, 413);
    assert.equal((await post('/', body)).status, 413);
  });

  it('refuses a summary over SWML_MAX_POST_PROMPT_SIZE (default 10 MB) with 413', async () => {
    const { start, post } = setup();
    const { endPath } = await start('call-huge');
    assert.equal((await post(endPath, bigSummary('call-huge', 11 * 1024 * 1024))).status, 413);
  });

  it('fetch_conversation, an unknown action or no action is answered as the SDKs do and revokes nothing', async () => {
    const { start, post, transfer, seen, logs } = setup();
    const { doc, endPath } = await start('call-live');
    for (const body of [
      { action: 'fetch_conversation', call_id: 'call-live', conversation_id: 'conv-1' },
      { action: 'something_new', call_id: 'call-live' },
      { call_id: 'call-live', post_prompt_data: { raw: 'no action at all' } },
    ]) {
      const res = await post(endPath, JSON.stringify(body));
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { success: true });
    }
    assert.equal(seen.length, 0, 'onSummary is for the end of the call');
    assert.equal(logs.audit('call_end').length, 0);
    assert.equal((await transfer(doc, 'call-live')).status, 200, 'the call goes on: its tokens still work');
    const answered = logs.records.filter((r) => r.msg?.toString().startsWith('post_prompt action answered'));
    assert.deepEqual(
      answered.map((r) => r.action),
      ['fetch_conversation', 'something_new', 'unknown'],
    );
  });

  it('an action still needs the post_prompt token of that call', async () => {
    const { start, post } = setup();
    const { endPath } = await start('call-a');
    await start('call-b');
    assert.equal(
      (await post('/post_prompt', '{"action":"fetch_conversation","call_id":"call-a"}')).status,
      403,
    );
    assert.equal((await post(endPath, '{"action":"fetch_conversation","call_id":"call-b"}')).status, 403);
  });

  it('post_conversation ends the call: tokens revoked, summary handed over, call_end audited', async () => {
    const { start, post, transfer, seen, logs } = setup();
    const { doc, endPath } = await start('call-classic');
    const res = await post(
      endPath,
      JSON.stringify({
        action: 'post_conversation',
        call_id: 'call-classic',
        post_prompt_data: { raw: 'done' },
      }),
    );
    assert.deepEqual(res.body, { status: 'ok' });
    assert.equal(seen.at(-1)?.summary, 'done');
    assert.equal(logs.audit('call_end').at(-1)?.end, 'post_conversation');
    assert.equal((await transfer(doc, 'call-classic')).status, 403);
  });

  it('the calling.call.ai.complete envelope (call id under params) ends the call too', async () => {
    const { start, post, transfer, seen, logs } = setup();
    const { doc, endPath } = await start('call-event');
    const envelope = {
      event_type: 'calling.call.ai.complete',
      event_channel: 'swml:abc',
      timestamp: 1767225600.5,
      project_id: 'p',
      space_id: 's',
      params: {
        call_id: 'call-event',
        ai_session_id: 'ai-1',
        post_prompt_result: { intent: 'balance', resolved: true },
        conversation: [{ role: 'user', content: 'hi' }],
      },
    };
    const res = await post(endPath, JSON.stringify(envelope));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(seen.at(-1)?.summary, { intent: 'balance', resolved: true });
    assert.equal(logs.audit('call_end').at(-1)?.end, 'calling.call.ai.complete');
    assert.equal(logs.audit('call_end').at(-1)?.call_id, 'call-event');
    assert.equal((await transfer(doc, 'call-event')).status, 403);
    // The envelope of another call cannot end this one with this call's token.
    const other = await start('call-other');
    const forged = { ...envelope, params: { ...envelope.params, call_id: 'call-event' } };
    assert.equal((await post(other.endPath, JSON.stringify(forged))).status, 403);
    assert.equal((await transfer(other.doc, 'call-other')).status, 200);
  });
});
