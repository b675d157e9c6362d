import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { ownAddress } from '../../../src/http/bind-address.js';

const LOCAL = new Set(['127.0.0.1', '::1', '172.20.0.3']);
const localAddresses = () => LOCAL;

describe('ownAddress: where the internal port binds (METRICS_HOST)', () => {
  it('returns an IP address as given, without a lookup', async () => {
    const resolve = () => Promise.reject(new Error('must not resolve an address'));
    for (const ip of ['0.0.0.0', '127.0.0.1', '::', '10.1.2.3'])
      assert.equal(await ownAddress(ip, { resolve, localAddresses }), ip);
  });

  it("picks this host's own address among a shared alias's answers (one per replica)", async () => {
    const resolve = (host: string) => {
      assert.equal(host, 'agent-metrics');
      return Promise.resolve(['172.20.0.2', '172.20.0.3', '172.20.0.4']);
    };
    assert.equal(await ownAddress('agent-metrics', { resolve, localAddresses }), '172.20.0.3');
  });

  it('waits for the name to list this host (Docker DNS right after start), then binds', async () => {
    let calls = 0;
    const resolve = () => {
      calls++;
      if (calls === 1) return Promise.reject(new Error('ENOTFOUND'));
      return Promise.resolve(calls === 2 ? ['172.20.0.2'] : ['172.20.0.2', '172.20.0.3']);
    };
    const got = await ownAddress('agent-metrics', {
      resolve,
      localAddresses,
      intervalMs: 5,
      timeoutMs: 5_000,
    });
    assert.equal(got, '172.20.0.3');
    assert.equal(calls, 3);
  });

  it('fails with EADDRNOTAVAIL, naming the answers, when none is an address of this host', async () => {
    const resolve = () => Promise.resolve(['172.20.0.2', '172.20.0.4']);
    await assert.rejects(
      ownAddress('agent-metrics', { resolve, localAddresses, intervalMs: 5, timeoutMs: 30 }),
      {
        code: 'EADDRNOTAVAIL',
        message: 'agent-metrics resolves to 172.20.0.2, 172.20.0.4, none of them an address of this host',
      },
    );
    await assert.rejects(
      ownAddress('nowhere', {
        resolve: () => Promise.reject(new Error('ENOTFOUND')),
        localAddresses,
        intervalMs: 5,
        timeoutMs: 30,
      }),
      {
        code: 'EADDRNOTAVAIL',
        message: 'nowhere resolves to no address, none of them an address of this host',
      },
    );
  });

  it('resolves localhost with the system resolver to a loopback address of this host', async () => {
    const got = await ownAddress('localhost');
    assert.ok(isIP(got) !== 0, got);
    assert.ok(got === '127.0.0.1' || got === '::1', got);
  });
});
