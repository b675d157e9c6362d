// Lame duck on shutdown (SWML_SHUTDOWN_DELAY_MS): /ready goes 503 at once while requests are still served, so
// a proxy's health check takes the agent out of rotation before its port closes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { serve } from '../../src/http/serve.js';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { LogCapture, PASSWORD, USER } from '../helpers/app.js';

/** GET on 127.0.0.1:port; resolves the status, or the error code when the connection fails. */
function get(port: number, path: string, auth = false): Promise<number | string> {
  const headers: Record<string, string> = auth
    ? { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` }
    : {};
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end();
  });
}

async function start(delayMs: string) {
  const logs = new LogCapture();
  const running = await serve(createBankAgent(), {
    handleSignals: false,
    logDestination: logs,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      METRICS_HOST: 'localhost',
      SWML_BASIC_AUTH_PASSWORD: PASSWORD,
      SWML_SHUTDOWN_DELAY_MS: delayMs,
    },
  });
  return { running, logs };
}

describe('shutdown: lame duck, then drain', () => {
  it('with a delay, /ready answers 503 while calls are still served, then the port closes', async () => {
    const { running } = await start('600');
    const { port } = running;
    assert.equal(await get(port, '/ready'), 200);
    const closed = running.close();
    assert.equal(await get(port, '/ready'), 503, 'out of rotation at once');
    assert.equal(await get(port, '/', true), 200, 'a call that still arrives is answered');
    await closed;
    assert.equal(await get(port, '/health'), 'ECONNREFUSED');
  });

  it('without a delay (the default), the port closes at once', async () => {
    const { running } = await start('0');
    const { port } = running;
    const closed = running.close();
    await closed;
    assert.equal(await get(port, '/health'), 'ECONNREFUSED');
  });

  it('METRICS_HOST may be a name: the internal port binds its local address', async () => {
    const { running } = await start('0');
    try {
      const address = running.internalServer.address();
      assert.ok(address && typeof address === 'object');
      assert.ok(['127.0.0.1', '::1'].includes(address.address), address.address);
    } finally {
      await running.close();
    }
  });
});
