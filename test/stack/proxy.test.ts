// docs/behind-a-proxy.md's nginx server block (deploy/nginx/swml-guard.conf), run by a real nginx in front of
// a real agent on 127.0.0.1: only ports, host name, certificate and log paths are substituted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT,
  eventually,
  freePort,
  startAgentProcess,
  type AgentProcess,
} from '../helpers/agent-process.js';
import { requireBinary } from '../helpers/binaries.js';
import {
  TRANSFERRED,
  aiOf,
  callBody,
  send,
  sleep,
  toolUrl,
  transferBody,
  withAuth,
} from '../helpers/edge.js';

const HOST = 'agent.localhost';
const CONF = join(ROOT, 'deploy', 'nginx', 'swml-guard.conf');

let dir = '';
let nginx: ChildProcess | undefined;
let agent: AgentProcess | undefined;
let ca: Buffer;
let httpsPort = 0;
let httpPort = 0;
let base = '';

function replaceOnce(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `deploy/nginx/swml-guard.conf no longer contains ${JSON.stringify(from)}`);
  return text.split(from).join(to);
}

before(async () => {
  const nginxBin = requireBinary('nginx');
  const openssl = requireBinary('openssl');
  dir = mkdtempSync(join(tmpdir(), 'swml-nginx-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync(
    openssl,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${HOST}`].concat([
      '-addext',
      `subjectAltName=DNS:${HOST}`,
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, made.stderr);
  ca = readFileSync(cert);

  httpsPort = await freePort();
  httpPort = await freePort();
  base = `https://${HOST}:${httpsPort}`;
  agent = await startAgentProcess({
    env: { SWML_TRUST_PROXY: '1', SWML_PROXY_URL_BASE: base, SWML_MAX_REQUEST_SIZE: '1mb' },
  });

  let conf = readFileSync(CONF, 'utf8');
  conf = replaceOnce(conf, 'agent.example.com', HOST);
  conf = replaceOnce(conf, `/etc/letsencrypt/live/${HOST}/fullchain.pem`, cert);
  conf = replaceOnce(conf, `/etc/letsencrypt/live/${HOST}/privkey.pem`, key);
  conf = replaceOnce(conf, '/var/log/nginx/', `${dir}/`);
  conf = replaceOnce(conf, 'server 127.0.0.1:3000;', `server 127.0.0.1:${agent.port};`);
  conf = replaceOnce(conf, '    listen 80;\n', `    listen 127.0.0.1:${httpPort};\n`);
  conf = replaceOnce(conf, '    listen 443 ssl http2;\n', `    listen 127.0.0.1:${httpsPort} ssl http2;\n`);
  conf = replaceOnce(conf, '    listen [::]:80;\n', '');
  conf = replaceOnce(conf, '    listen [::]:443 ssl http2;\n', '');
  // The redirect keeps the public port only when it is 443; here the test port stands in for it.
  conf = replaceOnce(
    conf,
    'return 301 https://$host$request_uri;',
    `return 301 https://$host:${httpsPort}$request_uri;`,
  );
  writeFileSync(join(dir, 'site.conf'), conf);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log;`,
      'events { worker_connections 64; }',
      `http { access_log off; include ${dir}/site.conf; }`,
      '',
    ].join('\n'),
  );
  const check = spawnSync(nginxBin, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  nginx = spawn(nginxBin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      if ((await send(new URL(`${base}/health`), 'GET', { ca })).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`nginx did not start: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx!.once('exit', r));
    nginx.kill('SIGQUIT');
    await exited;
  }
  await agent?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('HTTPS reaches the agent; HTTP redirects to HTTPS; HSTS once', async () => {
  const res = await send(new URL(`${base}/health`), 'GET', { ca });
  assert.equal(res.status, 200);
  assert.equal(
    typeof res.headers['strict-transport-security'],
    'string',
    'the agent saw https from its trusted hop',
  );
  const plain = await send(new URL(`http://${HOST}:${httpPort}/health`), 'GET');
  assert.equal(plain.status, 301);
  assert.equal(plain.headers.location, `${base}/health`);
});

test('a SignalWire-like call works: SWML with public https URLs, then the secure tool with its token', async () => {
  const res = await send(withAuth(`${base}/`, agent!), 'POST', { ca, body: callBody('call-nginx') });
  assert.equal(res.status, 200, res.text);
  const ai = aiOf(res.json());
  for (const raw of [ai.SWAIG.defaults.web_hook_url, ai.post_prompt_url])
    assert.equal(new URL(raw).origin, base);
  const tool = await send(new URL(toolUrl(ai, 'transfer_funds')), 'POST', {
    ca,
    body: transferBody('call-nginx'),
  });
  assert.equal(tool.status, 200, tool.text);
  assert.deepEqual(tool.json(), { response: TRANSFERRED });
});

test('client-sent forwarding headers change neither the rate-limit key nor the URLs', async () => {
  const remaining: number[] = [];
  for (let i = 1; i <= 4; i++) {
    const res = await send(withAuth(`${base}/`, agent!), 'POST', {
      ca,
      body: callBody(`call-nginx-xff-${i}`),
      headers: {
        'x-forwarded-for': `198.51.100.${i}`,
        'x-forwarded-host': 'evil.example',
        forwarded: 'for=1.2.3.4',
      },
    });
    assert.equal(res.status, 200, res.text);
    remaining.push(Number(/r=(\d+)/.exec(String(res.headers.ratelimit))?.[1]));
    assert.doesNotMatch(res.text, /evil\.example/);
  }
  for (let i = 1; i < remaining.length; i++)
    assert.equal(remaining[i], remaining[i - 1]! - 1, remaining.join(','));
  const xff = () => agent!.logs.filter((l) => l.includes('"call_start"') && l.includes('call-nginx-xff-'));
  await eventually('four call_start lines', () => xff().length >= 4);
  const ips = agent!.logs
    .filter((l) => l.includes('"call_start"') && l.includes('call-nginx-xff-'))
    .map((l) => (JSON.parse(l) as { ip?: string }).ip);
  assert.deepEqual(ips, ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']);
});

test('/metrics and /admin answer 404 at nginx; bodies over client_max_body_size get 413 there', async () => {
  for (const path of ['/metrics', '/admin/emergency', '/ADMIN/functions/x']) {
    const res = await send(new URL(`${base}${path}`), 'POST', { ca, body: {} });
    assert.equal(res.status, 404, path);
  }
  const big = await send(withAuth(`${base}/swaig`, agent!), 'POST', {
    ca,
    body: { pad: 'x'.repeat(1_100_000) },
  });
  assert.equal(big.status, 413);
  assert.ok(!agent!.logs.some((l) => /"url":"\/(metrics|admin)/i.test(l)));
});

test("nginx's access log has no token and no credentials", async () => {
  const res = await send(withAuth(`${base}/`, agent!), 'POST', { ca, body: callBody('call-nginx-log') });
  const url = new URL(toolUrl(aiOf(res.json()), 'transfer_funds'));
  await send(url, 'POST', { ca, body: transferBody('call-nginx-log') });
  const plain = new URL(url);
  plain.protocol = 'http:';
  plain.port = String(httpPort);
  await send(plain, 'POST', { body: {} });
  const accessLog = () => readFileSync(join(dir, 'swml-guard.access.log'), 'utf8');
  await eventually('the access log line', () => /"POST \/swaig HTTP\/1\.1" 200/.test(accessLog()));
  const log = accessLog();
  assert.match(log, /"POST \/swaig HTTP\/1\.1" 200/);
  const token = url.searchParams.get('__token') ?? '';
  assert.ok(token.length > 20);
  assert.ok(!log.includes(token), 'token in the access log');
  assert.ok(!log.includes(agent!.password), 'password in the access log');
  assert.ok(!log.includes(Buffer.from(`${agent!.user}:${agent!.password}`).toString('base64')));
});

// Last: it stops the agent. With the upstream down nginx logs a failed connect at `error` level, quoting the
// request line (query included); the site's `error_log ... crit` must keep the token out of every log.
test("with the agent down, nginx's error and access logs still hold no token (error_log crit)", async () => {
  const res = await send(withAuth(`${base}/`, agent!), 'POST', { ca, body: callBody('call-nginx-down') });
  const url = new URL(toolUrl(aiOf(res.json()), 'transfer_funds'));
  const token = url.searchParams.get('__token') ?? '';
  assert.ok(token.length > 20);
  await agent!.stop();
  const down = await send(url, 'POST', { ca, body: transferBody('call-nginx-down') });
  assert.equal(down.status, 502, 'nginx could not reach the agent');
  const accessLog = () => readFileSync(join(dir, 'swml-guard.access.log'), 'utf8');
  await eventually('the 502 access line', () => /"POST \/swaig HTTP\/1\.1" 502/.test(accessLog()));
  for (const file of ['swml-guard.access.log', 'swml-guard.error.log', 'error.log']) {
    let text = '';
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue; // nothing logged at all
    }
    assert.ok(!text.includes(token), `token in ${file}`);
  }
});
