// An attacker streams a huge body at a request the server refuses before reading it (no credentials, over a
// limit, wrong method, unknown route): the server answers, then closes, and stops reading the body.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import request from 'supertest';
import type { GuardApp } from '../../src/http/app.js';
import { PASSWORD, USER, testApp } from '../helpers/app.js';

/** Give up (and fail) once this much was accepted: a server that reads on would take it all. */
const CEILING = 256 * 1024 * 1024;
/** What "stopped reading" means: socket buffers and what was in flight, not the gigabytes sent. */
const BOUND = 32 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

interface Outcome {
  status: number;
  /** Bytes of body the kernel accepted from us before the server closed. */
  written: number;
  closed: boolean;
}

/** Writes `head`, then body chunks as fast as the socket takes them, until the server closes it. */
function stream(port: number, head: string, chunked: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let written = 0;
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0),
        written,
        closed: written < CEILING,
      });
      socket.destroy();
    };
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', finish);
    const frame = chunked
      ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')])
      : CHUNK;
    const pump = () => {
      while (!closed && !socket.destroyed) {
        if (written >= CEILING) return finish();
        written += frame.length;
        if (!socket.write(frame)) return void socket.once('drain', pump);
      }
    };
    socket.once('connect', () => {
      socket.write(head);
      pump();
    });
  });
}

async function listen(app: GuardApp): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await app.guard.close();
    },
  };
}

const auth = (password: string) =>
  `Authorization: Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}\r\n`;
const chunkedHead = (method: string, path: string, extra = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n${extra}\r\n`;

describe('a refused request does not read the rest of its body', () => {
  const cases: [string, string, number][] = [
    ['no credentials, chunked (401)', chunkedHead('POST', '/swaig'), 401],
    ['a wrong password, chunked (401)', chunkedHead('POST', '/post_prompt', auth('wrong')), 401],
    ['a wrong method, chunked (405)', chunkedHead('PUT', '/swaig', auth(PASSWORD)), 405],
    ['an unknown route, chunked (404)', chunkedHead('POST', '/nope', auth(PASSWORD)), 404],
  ];
  for (const [name, head, status] of cases) {
    it(name, async (t) => {
      const { app } = testApp();
      const server = await listen(app);
      t.after(() => server.close());
      const out = await stream(server.port, head, true);
      assert.equal(out.status, status);
      assert.ok(out.closed, `the server read on: ${out.written} bytes accepted`);
      assert.ok(out.written < BOUND, `${out.written} bytes accepted after the refusal`);
    });
  }

  it('a declared 5 GB Content-Length without credentials: 401, then closed', async (t) => {
    const { app } = testApp();
    const server = await listen(app);
    t.after(() => server.close());
    const head = `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5368709120\r\n\r\n`;
    const out = await stream(server.port, head, false);
    assert.equal(out.status, 401);
    assert.ok(out.closed && out.written < BOUND, `${out.written} bytes accepted`);
  });

  it('over the per-IP limit and over the failed-auth limit (429): closed too', async (t) => {
    const { app } = testApp({ env: { SWML_RATE_LIMIT: '2', SWML_AUTH_FAILURE_LIMIT: '1' } });
    const server = await listen(app);
    t.after(() => server.close());
    await request(`http://127.0.0.1:${server.port}`).get('/').auth(USER, 'wrong').expect(401);
    const blocked = await stream(server.port, chunkedHead('POST', '/swaig', auth(PASSWORD)), true);
    assert.equal(blocked.status, 429, 'failed-auth limit');
    assert.ok(blocked.closed && blocked.written < BOUND, `${blocked.written} bytes accepted`);
    const limited = await stream(server.port, chunkedHead('POST', '/swaig'), true);
    assert.equal(limited.status, 429, 'per-IP limit');
    assert.ok(limited.closed && limited.written < BOUND, `${limited.written} bytes accepted`);
  });

  it('a bodyless refusal keeps the connection (keep-alive is only dropped when a body is left unread)', async (t) => {
    const { app } = testApp();
    const server = await listen(app);
    t.after(() => server.close());
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.equal(res.status, 401);
    assert.notEqual(res.headers.get('connection'), 'close');
  });
});
