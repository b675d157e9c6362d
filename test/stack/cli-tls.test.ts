// `swml-guard call --cacert --resolve` against an agent serving direct TLS, and `doctor`'s TLS item on real
// certificates (openssl makes them: Node cannot create X.509 certificates).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import { requireBinary } from '../helpers/binaries.js';
import { selfSignedCert } from '../helpers/tls.js';
import { assertNoStack, runCli } from '../integration/cli/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-cli-tls-'));
const HOST = 'agent.test';

/** A self-signed certificate for `host`, valid for `days`; returns the cert and key paths. */
function makeCert(name: string, days: number, host = HOST): { cert: string; key: string } {
  return selfSignedCert(tmp, { name, host, days });
}

const STRONG = {
  NODE_ENV: 'production',
  SWML_BASIC_AUTH_PASSWORD: 'Pw-strong-9f8e7d6c5b4a3210-ZYXWVUTSRQ-abcdef',
  SWML_TOKEN_SECRET: 'Tk-secret-0a1b2c3d4e5f6789-QRSTUVWXYZ-ghijkl',
  SWML_ADMIN_TOKEN: 'Ad-admin-13579bdf02468ace-MNOPQRSTUV-uvwxyz',
  AUDIT_LOG_FILE: join(tmp, 'audit.log'),
  SWML_STATE_DIR: join(tmp, 'state'),
  SWML_SSL_ENABLED: 'true',
  SWML_DOMAIN: HOST,
};

describe('swml-guard over direct TLS (openssl certificates)', () => {
  let good: { cert: string; key: string };
  let agent: AgentProcess;
  before(async () => {
    requireBinary('openssl');
    good = makeCert('good', 90);
    agent = await startAgentProcess({
      env: {
        SWML_SSL_ENABLED: 'true',
        SWML_SSL_CERT_PATH: good.cert,
        SWML_SSL_KEY_PATH: good.key,
        SWML_DOMAIN: HOST,
        LOG_LEVEL: 'warn',
      },
    });
  });
  after(async () => {
    await agent?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('call trusts a private CA with --cacert and pins the host with --resolve', async () => {
    const r = await runCli(
      [
        'call',
        `https://${HOST}:${agent.port}/`,
        '--cacert',
        good.cert,
        '--resolve',
        `${HOST}:${agent.port}:127.0.0.1`,
        '--function',
        'transfer_funds',
        '--args',
        '{"amount":7,"to_account":"1234567890"}',
      ],
      { env: { SWML_BASIC_AUTH_PASSWORD: agent.password } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `transfer_funds\\s+yes \\(token\\)\\s+https://\\*\\*\\*:\\*\\*\\*@${HOST}:${agent.port}/swaig\\?__token=\\*\\*\\*`,
      ),
    );
    assert.match(r.stdout, /"response": "Transferred \$7 to account 1234567890"/);
  });

  it('call without --cacert fails with the fix', async () => {
    const r = await runCli(
      ['call', `https://${HOST}:${agent.port}/`, '--resolve', `${HOST}:${agent.port}:127.0.0.1`],
      {
        env: { SWML_BASIC_AUTH_PASSWORD: agent.password },
      },
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /DEPTH_ZERO_SELF_SIGNED_CERT[\s\S]*fix: trust its certificate with --cacert/);
    assertNoStack(r.stderr);
  });

  it('doctor: pass with 90 days left, warn within 14 days, fail on a mismatched key or an unreadable file', async () => {
    const tls = async (env: Record<string, string>) => {
      const r = await runCli(['doctor', '--json'], { env: { ...STRONG, ...env } });
      return (
        JSON.parse(r.stdout) as { checks: { id: string; status: string; message: string }[] }
      ).checks.find((c) => c.id === 'tls_files')!;
    };
    const ok = await tls({ SWML_SSL_CERT_PATH: good.cert, SWML_SSL_KEY_PATH: good.key });
    assert.equal(ok.status, 'pass', ok.message);
    const soon = makeCert('soon', 5);
    const expiring = await tls({ SWML_SSL_CERT_PATH: soon.cert, SWML_SSL_KEY_PATH: soon.key });
    assert.equal(expiring.status, 'warn');
    assert.match(expiring.message, /expires on \d{4}-\d\d-\d\d \(in [45] days\)/);
    const other = makeCert('other', 90, 'other.test');
    const wrongHost = await tls({ SWML_SSL_CERT_PATH: other.cert, SWML_SSL_KEY_PATH: other.key });
    assert.match(wrongHost.message, /does not name SWML_DOMAIN=agent\.test/);
    const mismatch = await tls({ SWML_SSL_CERT_PATH: good.cert, SWML_SSL_KEY_PATH: soon.key });
    assert.equal(mismatch.status, 'fail');
    assert.match(mismatch.message, /not the private key of the certificate/);
    const missing = await tls({ SWML_SSL_CERT_PATH: join(tmp, 'nope.crt'), SWML_SSL_KEY_PATH: good.key });
    assert.equal(missing.status, 'fail');
    assert.match(missing.message, /cannot be read \(ENOENT\)/);
  });
});
