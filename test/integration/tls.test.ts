import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { selfSignedCert } from '../helpers/tls.js';
import { ADMIN_TOKEN, PASSWORD, TOKEN_SECRET, USER, swaigBody, tokenFor } from '../helpers/app.js';
import { freePort, runToExit, startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';

let dir = '';
let cert = '';
let key = '';
let otherKey = '';
let ca: Buffer;

function openssl(args: string[]): void {
  execFileSync(requireBinary('openssl'), args, { stdio: 'pipe' });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  encrypted: boolean;
}

/** An HTTPS request that trusts only the test's self-signed certificate. */
function https(url: string, opts: { method?: string; auth?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const agent = new Agent({ ca, keepAlive: false });
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const req = httpsRequest(
      url,
      {
        agent,
        method: opts.method ?? 'GET',
        auth: opts.auth,
        headers: body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {},
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString('utf8'),
            encrypted: (res.socket as { encrypted?: boolean } | null)?.encrypted === true,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs the agent expecting it to refuse to start: exit code and every stderr line. */
async function failedStart(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string[]; stdout: string }> {
  const { code, stderr, stdout } = await runToExit({
    SWML_BASIC_AUTH_PASSWORD: PASSWORD,
    SWML_TOKEN_SECRET: TOKEN_SECRET,
    SWML_ADMIN_TOKEN: ADMIN_TOKEN,
    ...env,
  });
  return { code, stderr: stderr.split('\n').filter(Boolean), stdout };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'swml-guard-tls-'));
  ({ cert, key } = selfSignedCert(dir, {
    name: 'server',
    host: 'localhost',
    days: 1,
    altNames: 'DNS:localhost,IP:127.0.0.1',
  }));
  otherKey = join(dir, 'other-key.pem');
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', otherKey]);
  ca = execFileSync(requireBinary('openssl'), ['x509', '-in', cert]);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('direct TLS with a self-signed certificate (real process)', () => {
  let agent: AgentProcess;
  let origin = '';
  before(async () => {
    agent = await startAgentProcess({
      env: {
        SWML_SSL_ENABLED: 'true',
        SWML_SSL_CERT_PATH: cert,
        SWML_SSL_KEY_PATH: key,
        SWML_DOMAIN: 'localhost',
      },
    });
    origin = `https://localhost:${agent.port}`;
  });
  after(async () => {
    await agent.stop();
  });

  it('serves SWML over TLS with HSTS and https://localhost:<port> webhook URLs', async () => {
    const res = await https(`${origin}/`, { auth: `${USER}:${PASSWORD}` });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.encrypted, true);
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const swml = JSON.parse(res.body) as unknown;
    const urls = [...res.body.matchAll(/"(https?:\/\/[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.equal(urls.length, 5);
    for (const u of urls) {
      const parsed = new URL(u);
      assert.equal(parsed.origin, origin, u);
      assert.equal(decodeURIComponent(parsed.password), PASSWORD);
    }
    // SignalWire's side: call the secure tool's URL exactly as written in the document.
    const hook = new URL(tokenFor(swml, 'transfer_funds').url);
    const callId = 'call-tls-1';
    const doc = await https(`${origin}/`, {
      method: 'POST',
      auth: `${USER}:${PASSWORD}`,
      body: JSON.stringify({ call: { call_id: callId } }),
    });
    const url = new URL(tokenFor(JSON.parse(doc.body), 'transfer_funds').url);
    assert.equal(url.origin, hook.origin);
    const call = await https(`${url.origin}${url.pathname}${url.search}`, {
      method: 'POST',
      auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
      body: JSON.stringify(
        swaigBody('transfer_funds', { amount: 5, to_account: '0123456789' }, { call_id: callId }),
      ),
    });
    assert.equal(call.status, 200, call.body);
    assert.match(call.body, /Transferred \$5/);
  });

  it('every response over TLS carries HSTS, errors included', async () => {
    for (const [path, status] of [
      ['/health', 200],
      ['/nope', 404],
      ['/', 401],
    ] as const) {
      const res = await https(`${origin}${path}`);
      assert.equal(res.status, status);
      assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    }
  });

  it('a client that does not trust the certificate is refused by TLS itself', async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        const req = httpsRequest(`${origin}/health`, { agent: new Agent({ keepAlive: false }) }, resolve);
        req.on('error', reject);
        req.end();
      }),
      /self[- ]signed|unable to verify/i,
    );
  });

  it('plain HTTP on the TLS port gets no SWML (no silent fallback)', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: agent.port, path: '/', auth: `${USER}:${PASSWORD}` },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        },
      );
      req.on('error', (err) => resolve(`error ${err.message}`));
      req.end();
    });
    assert.ok(!outcome.includes('"version"'), outcome);
    assert.ok(!outcome.startsWith('200'), outcome);
  });
});

describe('bad TLS settings stop startup with exit code 78', () => {
  const tlsEnv = (over: Record<string, string>) => ({
    SWML_SSL_ENABLED: 'true',
    SWML_SSL_CERT_PATH: cert,
    SWML_SSL_KEY_PATH: key,
    SWML_DOMAIN: 'localhost',
    ...over,
  });

  it('a missing certificate file names SWML_SSL_CERT_PATH', async () => {
    const missing = join(dir, 'does-not-exist.pem');
    const { code, stderr, stdout } = await failedStart(tlsEnv({ SWML_SSL_CERT_PATH: missing }));
    assert.equal(code, 78);
    assert.equal(stderr.length, 1, stderr.join('\n'));
    assert.match(stderr[0] ?? '', /ERR_SWML_TLS_FILES/);
    assert.match(stderr[0] ?? '', /SWML_SSL_CERT_PATH/);
    assert.match(stderr[0] ?? '', /ENOENT/);
    assert.ok(!stdout.includes('listening'), 'never listened');
  });

  it('a missing key file names SWML_SSL_KEY_PATH', async () => {
    const { code, stderr } = await failedStart(tlsEnv({ SWML_SSL_KEY_PATH: join(dir, 'nope.key') }));
    assert.equal(code, 78);
    assert.match(stderr.join('\n'), /SWML_SSL_KEY_PATH/);
  });

  it('a certificate path that is unset names SWML_SSL_CERT_PATH', async () => {
    const env = tlsEnv({});
    delete (env as Record<string, string>).SWML_SSL_CERT_PATH;
    const { code, stderr } = await failedStart(env);
    assert.equal(code, 78);
    assert.match(stderr.join('\n'), /SWML_SSL_CERT_PATH/);
  });

  it('a key that does not match the certificate', async () => {
    const { code, stderr } = await failedStart(tlsEnv({ SWML_SSL_KEY_PATH: otherKey }));
    assert.equal(code, 78);
    assert.equal(stderr.length, 1, stderr.join('\n'));
    assert.match(stderr[0] ?? '', /ERR_SWML_TLS_FILES.*not a valid PEM certificate and matching private key/);
  });

  it('a file that is not PEM at all', async () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    const { code, stderr } = await failedStart(tlsEnv({ SWML_SSL_CERT_PATH: junk }));
    assert.equal(code, 78);
    assert.match(stderr.join('\n'), /ERR_SWML_TLS_FILES/);
  });

  it('TLS without SWML_DOMAIN', async () => {
    const env = tlsEnv({});
    delete (env as Record<string, string>).SWML_DOMAIN;
    const { code, stderr } = await failedStart(env);
    assert.equal(code, 78);
    assert.match(stderr.join('\n'), /ERR_SWML_TLS_DOMAIN.*SWML_DOMAIN/);
  });

  it('the private key never appears in the message', async () => {
    const { stderr } = await failedStart(tlsEnv({ SWML_SSL_KEY_PATH: otherKey }));
    assert.ok(!stderr.join('\n').includes('PRIVATE KEY'));
  });
});

describe('the agent port is plain HTTP when TLS is off (control)', () => {
  it('no HSTS over plain HTTP from a real process', async () => {
    const port = await freePort();
    const agent = await startAgentProcess({ env: { PORT: String(port) } });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('strict-transport-security'), null);
    } finally {
      await agent.stop();
    }
  });
});
