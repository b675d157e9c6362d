import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseResolve, send } from '../../../src/cli/http-client.js';
import { CliError } from '../../../src/cli/output.js';

describe('cli http client', () => {
  it('parses curl --resolve pins and rejects malformed ones', () => {
    assert.deepEqual(parseResolve('Agent.Localhost:8443:127.0.0.1'), {
      host: 'agent.localhost',
      port: 8443,
      address: '127.0.0.1',
    });
    assert.deepEqual(parseResolve('h:443:[::1]'), { host: 'h', port: 443, address: '::1' });
    for (const bad of ['h:443', 'h:0:1.2.3.4', 'h:99999:1.2.3.4', ':443:1.2.3.4', 'h:x:1.2.3.4']) {
      assert.throws(() => parseResolve(bad), CliError, bad);
    }
  });

  it('sends URL userinfo as Basic Auth (percent-decoded), never in the request line, and honours --resolve', async (t) => {
    const seen: { url?: string; auth?: string; host?: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization, host: req.headers.host });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const res = await send('POST', `http://sig%40nal:p%3Ass@pinned.invalid:${port}/swaig?__token=t`, {
      body: '{}',
      resolve: [{ host: 'pinned.invalid', port, address: '127.0.0.1' }],
    });
    assert.equal(res.status, 200);
    assert.equal(seen[0]?.url, '/swaig?__token=t');
    assert.equal(seen[0]?.host, `pinned.invalid:${port}`);
    assert.equal(seen[0]?.auth, `Basic ${Buffer.from('sig@nal:p:ss').toString('base64')}`);
  });

  it('a refused connection is a CliError with a fix, not a raw exception', async () => {
    await assert.rejects(send('GET', 'http://127.0.0.1:9/', {}), (err: unknown) => {
      return err instanceof CliError && /ECONNREFUSED/.test(err.message) && err.fix !== undefined;
    });
  });
});
