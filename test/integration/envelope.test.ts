// Envelopes SignalWire and its SDKs are seen to send are tolerated, normalised before the handler sees them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { AgentBase } from '../../src/agent/agent-base.js';
import type { SwaigRequest } from '../../src/agent/types.js';
import { PASSWORD, USER, testApp } from '../helpers/app.js';

function recorder() {
  const seen: { args: Record<string, unknown>; raw: SwaigRequest }[] = [];
  const agent = new AgentBase({ name: 'envelope' });
  agent.defineTool({
    name: 'record',
    description: 'Records what it receives',
    secure: false,
    parameters: { type: 'object', properties: { q: { type: 'string' } } },
    handler: (args, raw) => {
      seen.push({ args, raw });
      return 'ok';
    },
  });
  const { app } = testApp({ agent, env: { SWML_CALLER_FUNCTION_LIMIT: '1000' } });
  const post = async (body: Record<string, unknown>) => {
    const res = await request(app)
      .post('/swaig')
      .auth(USER, PASSWORD)
      .send({ function: 'record', call_id: 'c-env', ...body });
    assert.equal(res.status, 200, res.text);
    const last = seen.at(-1);
    assert.ok(last, 'the handler ran');
    return last;
  };
  return { post };
}

describe('tolerated envelopes', () => {
  it('a caller name over 256 characters is cut to 256 (the caller`s network chooses it)', async () => {
    const { post } = recorder();
    const { raw } = await post({ caller_id_name: 'N'.repeat(300) });
    assert.equal(raw.caller_id_name, 'N'.repeat(256));
  });

  it('parsed: [null] counts as no parsed arguments: raw is used, else {}', async () => {
    const { post } = recorder();
    assert.deepEqual((await post({ argument: { parsed: [null], raw: '{"q":"from raw"}' } })).args, {
      q: 'from raw',
    });
    assert.deepEqual((await post({ argument: { parsed: [null] } })).args, {});
  });

  it('global_data: [] and meta_data: [] (an empty map sent as a list) become {}', async () => {
    const { post } = recorder();
    const { raw } = await post({ global_data: [], meta_data: [] });
    assert.deepEqual(raw.global_data, {});
    assert.deepEqual(raw.meta_data, {});
  });
});
