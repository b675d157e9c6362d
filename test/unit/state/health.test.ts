// swml_shared_state_up: 1 for process memory from startup; for Redis it follows the client's connection events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createBankAgent } from '../../../src/demo/bank-agent.js';
import { createApp } from '../../../src/http/app.js';
import { redisHealth } from '../../../src/state/health.js';
import { memoryState } from '../../../src/state/memory.js';
import type { SharedState } from '../../../src/state/types.js';
import { LogCapture, PASSWORD, TOKEN_SECRET, testApp } from '../../helpers/app.js';
import { scrape } from '../../helpers/metrics.js';

/** Stands in for an ioredis client: a status and the connection events. */
class FakeClient extends EventEmitter {
  status = 'connecting';
}

describe('shared state health', () => {
  it('redisHealth: down until ready, then down on error, close or end, up again on ready', () => {
    const client = new FakeClient();
    const seen: boolean[] = [];
    redisHealth(client as never)((up) => seen.push(up));
    assert.deepEqual(seen, [false], 'the current state at once');
    client.emit('ready');
    client.emit('ready');
    assert.deepEqual(seen, [false, true], 'changes only');
    for (const event of ['error', 'close', 'end']) {
      client.emit(event, new Error('ECONNREFUSED'));
      client.emit('ready');
    }
    assert.deepEqual(seen, [false, true, false, true, false, true, false, true]);
  });

  it('redisHealth: a client already connected starts up', () => {
    const client = new FakeClient();
    client.status = 'ready';
    const seen: boolean[] = [];
    redisHealth(client as never)((up) => seen.push(up));
    assert.deepEqual(seen, [true]);
  });

  it('the metric exists from startup: 1 for process memory', async () => {
    const { app } = testApp();
    const samples = await scrape(app);
    assert.equal(samples.get('swml_shared_state_up{backend="memory"}'), 1);
    await app.guard.close();
  });

  it('the metric follows a store that reports its health', async () => {
    const client = new FakeClient();
    const state: SharedState = {
      ...memoryState({ emergencyMode: 'off', disabledFunctions: [] }),
      kind: 'redis',
      watchHealth: redisHealth(client as never),
    };
    const app = createApp(createBankAgent(), {
      env: { SWML_BASIC_AUTH_PASSWORD: PASSWORD, SWML_TOKEN_SECRET: TOKEN_SECRET },
      logDestination: new LogCapture(),
      state,
    });
    const value = async () => (await scrape(app)).get('swml_shared_state_up{backend="redis"}');
    assert.equal(await value(), 0, 'not connected yet');
    client.emit('ready');
    assert.equal(await value(), 1);
    client.emit('error', new Error('connect ECONNREFUSED'));
    assert.equal(await value(), 0);
    client.emit('ready');
    assert.equal(await value(), 1);
    await app.guard.close();
  });
});
