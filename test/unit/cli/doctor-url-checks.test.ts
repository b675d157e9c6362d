import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { certificateCheck, hstsCheck, redirectCheck } from '../../../src/cli/doctor-url-checks.js';
import { hiddenCheck } from '../../../src/cli/doctor-url-exposure.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const at = (iso: string) => new Date(iso).toUTCString();

describe('doctor --url: certificate expiry against the certificate lifetime', () => {
  const cases: [string, { validFrom?: string; validTo?: string } | undefined, string][] = [
    [
      '90-day certificate, 60 days left',
      { validFrom: at('2026-05-02T00:00:00Z'), validTo: at('2026-07-31T00:00:00Z') },
      'pass',
    ],
    [
      '90-day certificate, 10 days left',
      { validFrom: at('2026-03-13T00:00:00Z'), validTo: at('2026-06-11T00:00:00Z') },
      'warn',
    ],
    [
      "Caddy's local CA: 12 hours, 11 left",
      { validFrom: at('2026-05-31T23:00:00Z'), validTo: at('2026-06-01T11:00:00Z') },
      'pass',
    ],
    [
      "Caddy's local CA: 12 hours, 2 left",
      { validFrom: at('2026-05-31T14:00:00Z'), validTo: at('2026-06-01T02:00:00Z') },
      'warn',
    ],
    [
      'expired yesterday',
      { validFrom: at('2026-03-01T00:00:00Z'), validTo: at('2026-05-31T00:00:00Z') },
      'fail',
    ],
    ['no certificate', undefined, 'fail'],
  ];
  for (const [name, cert, expected] of cases) {
    it(name, () => assert.equal(certificateCheck(cert, NOW).status, expected));
  }
});

describe('doctor --url: headers and answers', () => {
  it('HSTS: missing fails, short warns, a year passes', () => {
    assert.equal(hstsCheck({}).status, 'fail');
    assert.equal(hstsCheck({ 'strict-transport-security': 'max-age=300' }).status, 'warn');
    assert.equal(hstsCheck({ 'strict-transport-security': 'max-age=31536000' }).status, 'pass');
  });

  it('redirect: to https on the same host passes; to another host or plain 200 fails', () => {
    const r = (status: number, location?: string) =>
      redirectCheck(
        'http://a.example/',
        { ok: true, status, headers: location ? { location } : {} },
        'a.example',
      );
    assert.equal(r(308, 'https://a.example/').status, 'pass');
    assert.equal(r(301, 'https://evil.example/').status, 'fail');
    assert.equal(r(302, 'http://a.example/').status, 'fail');
    assert.equal(r(200).status, 'fail');
  });

  it('/admin answering 401 from outside is a failure (the internal port is proxied)', () => {
    assert.equal(
      hiddenCheck('admin_hidden', '/admin/status', { ok: true, status: 401, headers: {} }).status,
      'fail',
    );
    assert.equal(
      hiddenCheck('admin_hidden', '/admin/status', { ok: true, status: 404, headers: {} }).status,
      'pass',
    );
  });
});
