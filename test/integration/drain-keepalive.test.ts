// While draining, only requests that ARRIVE then are answered with Connection: close: a call accepted before the
// drain keeps its connection, so a /ready already pipelined behind it is still answered (503), as a proxy expects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createApp, type GuardApp } from '../../src/http/app.js';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { LogCapture, PASSWORD, TOKEN_SECRET, USER } from '../helpers/app.js';

describe('draining and keep-alive', () => {
  it('the call in flight when draining starts keeps its connection; the pipelined /ready gets 503, then close', async (t) => {
    const holder: { app?: GuardApp } = {};
    // A unit (the pipeline's own extension point) starts the drain while the first request is inside.
    const drainNow = {
      name: 'drain-now',
      run: () => {
        if (holder.app) holder.app.guard.draining = true;
        return undefined;
      },
    };
    const app = (holder.app = createApp(createBankAgent(), {
      env: { SWML_BASIC_AUTH_PASSWORD: PASSWORD, SWML_TOKEN_SECRET: TOKEN_SECRET, LOG_LEVEL: 'info' },
      logDestination: new LogCapture(),
      print: () => {},
      units: [drainNow],
    }));
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await app.guard.close();
    });
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise((r) => socket.once('close', r));
    // Two requests on one connection, the second pipelined behind the first.
    socket.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ${auth}\r\n\r\n` +
        'GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    await closed;
    const [first = '', second = ''] = Buffer.concat(received)
      .toString('utf8')
      .split(/(?=HTTP\/1\.1 )/);
    assert.match(first, /^HTTP\/1\.1 200 /);
    assert.doesNotMatch(first, /\r\nConnection: close\r\n/i, 'accepted before the drain: keep-alive');
    assert.match(second, /^HTTP\/1\.1 503 [\s\S]*\r\nConnection: close\r\n[\s\S]*"error":"unavailable"/i);
  });
});
