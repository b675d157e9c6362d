// `swml-guard doctor --url`: a real Caddy (caddy/Caddyfile) in front of a real agent passes; a careless TLS
// server (no HSTS, no redirect, no auth, /metrics and /admin open, a certificate about to expire) fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import { CADDY_HOST, startCaddy, type Caddy } from '../helpers/caddy.js';
import { selfSignedCert } from '../helpers/tls.js';
import { assertNoStack, runCli } from '../integration/cli/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-doctor-url-'));
type Doc = { status: string; checks: { id: string; status: string; message: string }[] };
const statuses = (doc: Doc) => Object.fromEntries(doc.checks.map((c) => [c.id, c.status]));
const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

describe('swml-guard doctor --url', () => {
  let agent: AgentProcess;
  let caddy: Caddy;
  let ca: string;
  before(async () => {
    const httpsPort = await freePort();
    agent = await startAgentProcess({
      env: {
        SWML_TRUST_PROXY: '1',
        SWML_PROXY_URL_BASE: `https://${CADDY_HOST}:${httpsPort}`,
        LOG_LEVEL: 'warn',
      },
    });
    caddy = await startCaddy(`127.0.0.1:${agent.port}`, { httpsPort });
    ca = join(tmp, 'caddy-root.crt');
    writeFileSync(ca, caddy.ca);
  });
  after(async () => {
    await caddy?.stop();
    await agent?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const viaCaddy = (internalPort: number) => [
    'doctor',
    '--url',
    `https://${CADDY_HOST}:${caddy.httpsPort}/`,
    '--cacert',
    ca,
    '--resolve',
    `${CADDY_HOST}:${caddy.httpsPort}:127.0.0.1`,
    '--resolve',
    `${CADDY_HOST}:${caddy.httpPort}:127.0.0.1`,
    '--http-port',
    String(caddy.httpPort),
    '--internal-port',
    String(internalPort),
  ];

  it('passes every check for Caddy in front of the agent (internal port closed from outside)', async () => {
    const closed = await freePort();
    const r = await runCli([...viaCaddy(closed), '--json']);
    assertNoStack(r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.deepEqual(
      statuses(doc),
      {
        https: 'pass',
        certificate: 'pass',
        hsts: 'pass',
        http_redirect: 'pass',
        auth_swml: 'pass',
        auth_swaig: 'pass',
        metrics_hidden: 'pass',
        admin_hidden: 'pass',
        internal_port: 'pass',
        security_headers: 'pass',
      },
      r.stdout,
    );
    assert.equal(r.code, 0);
    const text = await runCli(viaCaddy(closed));
    assert.match(text.stdout, /All 10 checks passed\./);
  });

  it('fails when the agent internal port answers from where doctor runs', async () => {
    const r = await runCli([...viaCaddy(agent.metricsPort), '--json']);
    assert.equal(r.code, 2);
    const check = (JSON.parse(r.stdout) as Doc).checks.find((c) => c.id === 'internal_port');
    assert.equal(check?.status, 'fail');
    assert.match(check?.message ?? '', /accepts connections from here/);
  });

  it('fails a careless TLS server: no HSTS, no redirect, no auth, /metrics and /admin open; a self-signed certificate', async () => {
    const cert = selfSignedCert(tmp, { name: 'careless', host: 'careless.test', days: 5 });
    const open = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.setHeader('X-Powered-By', 'PHP/5.4.1');
      res.end('ok');
    };
    const tls = createHttpsServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, open);
    const plain = createHttpServer(open);
    const [tlsPort, plainPort] = [await listen(tls), await listen(plain)];
    try {
      const r = await runCli([
        'doctor',
        '--url',
        `https://careless.test:${tlsPort}/`,
        '--cacert',
        cert.cert,
        '--resolve',
        `careless.test:${tlsPort}:127.0.0.1`,
        '--resolve',
        `careless.test:${plainPort}:127.0.0.1`,
        '--http-port',
        String(plainPort),
        '--internal-port',
        String(await freePort()),
        '--json',
      ]);
      assert.equal(r.code, 2);
      assert.deepEqual(statuses(JSON.parse(r.stdout) as Doc), {
        https: 'pass',
        certificate: 'pass',
        hsts: 'fail',
        http_redirect: 'fail',
        auth_swml: 'fail',
        auth_swaig: 'fail',
        metrics_hidden: 'fail',
        admin_hidden: 'fail',
        internal_port: 'pass',
        security_headers: 'warn',
      });
      const untrusted = await runCli([
        'doctor',
        '--url',
        `https://careless.test:${tlsPort}/`,
        '--resolve',
        `careless.test:${tlsPort}:127.0.0.1`,
        '--http-port',
        String(plainPort),
        '--json',
      ]);
      const doc = JSON.parse(untrusted.stdout) as Doc;
      assert.equal(statuses(doc).https, 'fail');
      assert.match(doc.checks[0]?.message ?? '', /SELF_SIGNED|self-signed|DEPTH_ZERO/i);
      assert.match(
        doc.checks[1]?.message ?? '',
        /valid until .* \((4|5) days left\)/,
        'read from the untrusted certificate',
      );
    } finally {
      tls.close();
      plain.close();
    }
  });

  it('fails a plain http:// URL', async () => {
    const r = await runCli([
      'doctor',
      '--url',
      `${agent.baseUrl}/`,
      '--internal-port',
      String(await freePort()),
      '--json',
    ]);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.equal(statuses(doc).https, 'fail');
    assert.equal(statuses(doc).auth_swml, 'pass');
    assert.equal(r.code, 2);
  });
});
