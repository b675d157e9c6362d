import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import request from 'supertest';
import { AgentBase } from '../../../src/agent/agent-base.js';
import { FunctionResult } from '../../../src/agent/function-result.js';
import { testApp, tokenFor, PASSWORD, USER } from '../../helpers/app.js';
import { assertValidSwml } from '../../helpers/swml-schema.js';

type Fn = {
  function: string;
  description: string;
  parameters: Record<string, unknown>;
  web_hook_url?: string;
};
type Ai = {
  prompt: { pom?: { title: string; body?: string; bullets?: string[] }[]; text?: string };
  post_prompt?: { text: string };
  post_prompt_url?: string;
  params?: Record<string, unknown>;
  hints?: string[];
  SWAIG: { functions: Fn[]; defaults: { web_hook_url: string } };
};

async function fetchSwml(
  app: ReturnType<typeof testApp>['app'],
  body: unknown = { call: { call_id: 'call-abc', from: '+15551234567' } },
) {
  const res = await request(app)
    .post('/')
    .auth(USER, PASSWORD)
    .send(body as object)
    .expect(200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assertValidSwml(res.text);
  return res.body as { version: string; sections: { main: [{ answer: object }, { ai: Ai }] } };
}

describe('SWML document of the demo agent', () => {
  it('has the answer + ai shape, field by field', async () => {
    const { app } = testApp();
    const doc = await fetchSwml(app);
    assert.equal(doc.version, '1.0.0');
    assert.deepEqual(Object.keys(doc.sections), ['main']);
    assert.equal(doc.sections.main.length, 2);
    assert.deepEqual(doc.sections.main[0], { answer: {} });
    const ai = doc.sections.main[1].ai;
    const titles = ai.prompt.pom?.map((s) => s.title);
    assert.deepEqual(titles, ['Role', 'Capabilities', 'Security Boundaries', 'Confirmation Protocol']);
    assert.ok(ai.prompt.pom?.[2]?.bullets?.some((b) => /Never reveal/.test(b)));
    assert.ok(ai.prompt.pom?.[3]?.bullets?.some((b) => b.includes('transfer_funds')));
    assert.match(ai.post_prompt?.text ?? '', /JSON/);
    assert.deepEqual(ai.hints, ['balance', 'transfer', 'password', 'account']);
    assert.deepEqual(ai.params, { end_of_speech_timeout: 700 });

    const names = ai.SWAIG.functions.map((f) => f.function);
    assert.deepEqual(names, ['get_balance', 'transfer_funds', 'change_password', 'delete_account']);
    const [balance, transfer, password, del] = ai.SWAIG.functions as [Fn, Fn, Fn, Fn];
    assert.equal(balance.web_hook_url, undefined, 'non-secure tools use the defaults URL');
    assert.deepEqual(balance.parameters, { type: 'object', properties: {} }, 'only what SignalWire accepts');
    assert.deepEqual(transfer.parameters.required, ['amount', 'to_account']);
    assert.deepEqual(
      (transfer.parameters.properties as Record<string, unknown>).amount,
      { type: 'number', description: 'Amount in dollars' },
      'exclusiveMinimum is enforced on our side, not sent',
    );
    assert.deepEqual((transfer.parameters.properties as Record<string, unknown>).to_account, {
      type: 'string',
      pattern: '^[0-9]{10}$',
      description: 'Destination account number (10 digits)',
    });
    assert.deepEqual(password.parameters.required, ['new_password']);
    assert.deepEqual(del.parameters.required, ['verification_code']);

    const port = /:(\d+)\//.exec(ai.SWAIG.defaults.web_hook_url)?.[1];
    assert.ok(port, 'the local URL carries the listening port');
    const userinfo = `${USER}:${encodeURIComponent(PASSWORD)}@`;
    assert.equal(ai.SWAIG.defaults.web_hook_url, `http://${userinfo}127.0.0.1:${port}/swaig`);
    for (const f of [transfer, password, del]) {
      const url = new URL(f.web_hook_url ?? '');
      assert.equal(`${url.origin}${url.pathname}`, `http://127.0.0.1:${port}/swaig`);
      assert.equal(url.username, USER);
      assert.match(url.searchParams.get('__token') ?? '', /^[\w-]+\.[\w-]+\.[\w-]+$/);
    }
    assert.match(
      ai.post_prompt_url ?? '',
      new RegExp(`^http://${USER}:[^@]+@127\\.0\\.0\\.1:${port}/post_prompt\\?__token=`),
    );
  });

  it('mints a different token per function and per call', async () => {
    const { app } = testApp();
    const a = await fetchSwml(app, { call: { call_id: 'call-A' } });
    const b = await fetchSwml(app, { call: { call_id: 'call-B' } });
    const tA = tokenFor(a, 'transfer_funds').token;
    assert.notEqual(tA, tokenFor(a, 'change_password').token);
    assert.notEqual(tA, tokenFor(b, 'transfer_funds').token);
  });

  it('GET works too (its tokens bind to a one-time session; see get-session.test.ts)', async () => {
    const { app } = testApp();
    const res = await request(app).get('/').auth(USER, PASSWORD).expect(200);
    const doc = res.body as { sections: { main: [unknown, { ai: Ai }] } };
    assert.ok(doc.sections.main[1].ai.SWAIG.functions.length === 4);
  });

  it('percent-encodes credentials containing @ : / # in every URL', async () => {
    const password = 'p@ss:w/rd#with-enough-length-0123456789';
    const { app } = testApp({
      env: { SWML_BASIC_AUTH_PASSWORD: password, SWML_PROXY_URL_BASE: 'https://agent.example.com/' },
    });
    const res = await request(app)
      .post('/')
      .auth(USER, password)
      .send({ call: { call_id: 'c1' } })
      .expect(200);
    const text = res.text;
    const expected = 'https://signalwire:p%40ss%3Aw%2Frd%23with-enough-length-0123456789@agent.example.com/';
    const urls = [...text.matchAll(/"(https:[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.equal(urls.length, 5, 'defaults + 3 secure tools + post_prompt_url');
    for (const url of urls) {
      assert.ok(url.startsWith(expected), url.replace(/__token=.*/, ''));
      assert.equal(decodeURIComponent(new URL(url).password), password);
    }
  });

  it('renders prompt text, languages, global data, fillers and meta_data_token for a custom agent', async () => {
    const agent = new AgentBase({ name: 'custom', route: '/bot' });
    agent.setPromptText('Be nice.').addLanguage({ name: 'English', code: 'en-US', voice: 'rime.spore' });
    agent.setGlobalData({ tier: 'gold' });
    agent.defineTool({
      name: 'lookup',
      description: 'Look up',
      secure: false,
      parameters: { q: { type: 'string' } },
      fillers: { 'en-US': ['One moment'] },
      metaDataToken: 'lookup-meta',
      handler: () => new FunctionResult('ok'),
    });
    const { app } = testApp({ agent });
    const res = await request(app).post('/bot').auth(USER, PASSWORD).send({}).expect(200);
    const ai = (res.body as { sections: { main: [unknown, { ai: Ai & Record<string, unknown> }] } }).sections
      .main[1].ai;
    assert.deepEqual(ai.prompt, { text: 'Be nice.' });
    assert.equal(ai.post_prompt, undefined);
    assert.equal(ai.post_prompt_url, undefined, 'no post_prompt_url without a post-prompt');
    assert.deepEqual(ai.languages, [{ name: 'English', code: 'en-US', voice: 'rime.spore' }]);
    assert.deepEqual(ai.global_data, { tier: 'gold' });
    const fn = ai.SWAIG.functions[0] as Fn & Record<string, unknown>;
    assert.deepEqual(fn.fillers, { 'en-US': ['One moment'] });
    assert.equal(fn.meta_data_token, 'lookup-meta');
    assert.deepEqual(fn.parameters, { type: 'object', properties: { q: { type: 'string' } } });
    assertValidSwml(res.text);
    assert.match(ai.SWAIG.defaults.web_hook_url, /\/bot\/swaig$/);
    await request(app).post('/bot/').auth(USER, PASSWORD).send({}).expect(200);
    await request(app).post('/').auth(USER, PASSWORD).send({}).expect(404);
  });

  it('matches the committed snapshot (tokens and port normalised)', async () => {
    const { app } = testApp({ env: { SWML_PROXY_URL_BASE: 'https://agent.example.com' } });
    const res = await request(app)
      .post('/')
      .auth(USER, PASSWORD)
      .send({ call: { call_id: 'call-snap' } })
      .expect(200);
    const normalised =
      JSON.stringify(JSON.parse(res.text.replace(/__token=[\w.-]+/g, '__token=<token>')), null, 2) + '\n';
    const file = new URL('./demo-swml.snapshot.json', import.meta.url);
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(file, normalised);
    assert.equal(normalised, readFileSync(file, 'utf8'));
  });
});
