// Slow clients and connection floods against a real serve(): headers and request timeouts close the socket
// (a slowloris lived 45 s against a documented 10 s), and connections over SWML_MAX_CONNECTIONS are dropped.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { createBankAgent } from '../../src/demo/bank-agent.js';
import { serve, type RunningAgent } from '../../src/http/serve.js';
import { LogCapture, PASSWORD, TOKEN_SECRET, USER } from '../helpers/app.js';

/** Bounded waits: generous for a loaded machine, far below the old 30 s sweep. Never a speed assertion. */
const WAIT_MS = 10_000;

async function start(t: TestContext, env: Record<string, string>): Promise<RunningAgent> {
  const running = await serve(createBankAgent(), {
    handleSignals: false,
    drainTimeoutMs: 1_000,
    logDestination: new LogCapture(),
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      SWML_BASIC_AUTH_PASSWORD: PASSWORD,
      SWML_TOKEN_SECRET: TOKEN_SECRET,
      ...env,
    },
  });
  t.after(() => running.close());
  return running;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves true when the server closes `socket` within `ms`, false if it is still open then. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('end', done);
    socket.once('close', done);
    socket.once('error', done);
  });
}

/** Writes `piece` every 100 ms until the socket closes (what a slowloris does to stay under idle timeouts). */
function trickle(socket: Socket, piece: string): () => void {
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(piece);
  }, 100);
  socket.on('error', () => undefined);
  return () => clearInterval(timer);
}

/** GET /health on a fresh raw connection: its status, or 0 when the server dropped the connection. */
async function healthOnNewConnection(port: number): Promise<number> {
  const socket = await open(port);
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('close', () => resolve(0));
    socket.on('error', () => resolve(0));
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  });
}

const AUTH = `Authorization: Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}\r\n`;

describe('server timeouts (SWML_HEADERS_TIMEOUT_MS, SWML_REQUEST_TIMEOUT_MS)', () => {
  it('a slowloris that never finishes its headers is closed', async (t) => {
    const agent = await start(t, { SWML_HEADERS_TIMEOUT_MS: '500', SWML_REQUEST_TIMEOUT_MS: '1000' });
    const socket = await open(agent.port);
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const stop = trickle(socket, 'X-Slow: a\r\n');
    t.after(() => {
      stop();
      socket.destroy();
    });
    assert.equal(await closedWithin(socket, WAIT_MS), true, 'the slow-header connection is still open');
  });

  it('a client that sends a body one byte at a time is closed at the request timeout', async (t) => {
    const agent = await start(t, { SWML_HEADERS_TIMEOUT_MS: '500', SWML_REQUEST_TIMEOUT_MS: '1000' });
    const socket = await open(agent.port);
    socket.write(
      `POST /swaig HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
    );
    const stop = trickle(socket, ' ');
    t.after(() => {
      stop();
      socket.destroy();
    });
    assert.equal(await closedWithin(socket, WAIT_MS), true, 'the slow-body connection is still open');
  });

  it('the request timeout cannot be shorter than the headers timeout (startup error)', async () => {
    await assert.rejects(
      serve(createBankAgent(), {
        handleSignals: false,
        logDestination: new LogCapture(),
        env: { SWML_HEADERS_TIMEOUT_MS: '5000', SWML_REQUEST_TIMEOUT_MS: '1000' },
      }),
      { code: 'ERR_SWML_INVALID_ENV', message: /SWML_REQUEST_TIMEOUT_MS \(1000\) must be at least/ },
    );
  });
});

describe('connection cap (SWML_MAX_CONNECTIONS)', () => {
  it('connections over the cap are closed at once; the held ones still work; a freed slot is reused', async (t) => {
    const agent = await start(t, { SWML_MAX_CONNECTIONS: '3' });
    const held = await Promise.all([open(agent.port), open(agent.port), open(agent.port)]);
    t.after(() => held.forEach((s) => s.destroy()));
    const extra = await open(agent.port);
    let answered = false;
    extra.on('data', () => (answered = true));
    extra.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(await closedWithin(extra, WAIT_MS), true, 'a fourth connection was kept');
    assert.equal(answered, false, 'nothing was served on it');

    const first = held[0];
    const reply = new Promise<string>((resolve) => first.once('data', (c: Buffer) => resolve(c.toString())));
    first.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.match(await reply, /^HTTP\/1\.1 200/);

    held[1].destroy();
    const deadline = Date.now() + WAIT_MS;
    while ((await healthOnNewConnection(agent.port)) !== 200) {
      assert.ok(Date.now() < deadline, 'the freed slot was never reused');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
