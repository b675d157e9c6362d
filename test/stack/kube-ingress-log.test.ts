// deploy/kubernetes/ingress-nginx/values.yaml: the access-log format and error-log level given to the
// ingress-nginx controller, run by a real nginx in front of a real agent (as the controller would proxy:
// X-Forwarded-For set to the client). A real call with its function token goes through; then neither log
// may hold the token, the Basic Auth password or the Authorization header.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, freePort, startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
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

const VALUES = join(ROOT, 'deploy', 'kubernetes', 'ingress-nginx', 'values.yaml');
const PUBLIC = 'https://agent.example.com';

let dir = '';
let nginx: ChildProcess | undefined;
let agent: AgentProcess | undefined;
let base = '';
let token = '';
let config: Record<string, string> = {};

before(async () => {
  const bin = requireBinary('nginx');
  config = (parse(readFileSync(VALUES, 'utf8')) as { controller: { config: Record<string, string> } })
    .controller.config;
  dir = mkdtempSync(join(tmpdir(), 'swml-ingress-log-'));
  agent = await startAgentProcess({ env: { SWML_TRUST_PROXY: '1', SWML_PROXY_URL_BASE: PUBLIC } });
  const port = await freePort();
  const dead = await freePort(); // nothing listens there: an upstream failure, as when a pod just died
  base = `http://127.0.0.1:${port}`;
  const escape = config['log-format-escape-json'] === 'true' ? 'escape=json ' : '';
  // ingress-nginx sets $proxy_upstream_name per location; with use-forwarded-headers "false" it SETS
  // X-Forwarded-For to the address it sees and X-Forwarded-Proto to the scheme the client used (https).
  const location = (upstream: number) => `
      set $proxy_upstream_name "swml-guard-swml-agent-http";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      proxy_pass http://127.0.0.1:${upstream};`;
  const conf = `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log ${config['error-log-level']};
events { worker_connections 64; }
http {
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  log_format upstreaminfo ${escape}'${config['log-format-upstream']}';
  access_log ${dir}/access.log upstreaminfo;
  server {
    listen 127.0.0.1:${port};
    location / {${location(agent.port)}
    }
    location /dead/ {${location(dead)}
    }
    # The control: nginx's default error-log level, to show what values.yaml keeps out of the error log.
    location /dead-default-level/ {
      error_log ${dir}/error-default.log error;${location(dead)}
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const check = spawnSync(bin, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  nginx = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await send(new URL(`${base}/health`), 'GET')).status === 200) break;
    } catch {
      await sleep(100);
    }
  }
  // A SignalWire-shaped call: the SWML, then the secure tool through nginx with its own token.
  // A forged X-Forwarded-For from the client: the controller overwrites it, so the agent sees the real peer.
  const swml = await send(withAuth(`${base}/`, agent), 'POST', {
    body: callBody('call-ingress-log'),
    headers: { 'x-forwarded-for': '198.51.100.77' },
  });
  assert.equal(swml.status, 200, swml.text);
  const tool = new URL(toolUrl(aiOf(swml.json()), 'transfer_funds'));
  token = tool.searchParams.get('__token') ?? '';
  assert.ok(token.length > 20, 'the SWML carries a function token');
  const through = new URL(`${base}${tool.pathname}${tool.search}`);
  through.username = tool.username;
  through.password = tool.password;
  const res = await send(through, 'POST', { body: transferBody('call-ingress-log') });
  assert.deepEqual(res.json(), { response: TRANSFERRED });
  for (const path of ['/dead/swaig', '/dead-default-level/swaig']) {
    const failed = await send(new URL(`${base}${path}?__token=${token}&token=${token}`), 'POST', {
      headers: { authorization: `Bearer ${token}` },
      body: {},
    });
    assert.equal(failed.status, 502);
  }
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

test('the access log is JSON with the client address and path, and no token or credentials', () => {
  const text = readFileSync(join(dir, 'access.log'), 'utf8');
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const call = lines.find((l) => l.path === '/swaig' && l.status === 200);
  assert.ok(call, text);
  assert.equal(call.remote_addr, '127.0.0.1');
  assert.equal(call.upstream, 'swml-guard-swml-agent-http');
  const basic = Buffer.from(`${agent!.user}:${agent!.password}`).toString('base64');
  for (const secret of [token, agent!.password, basic, '__token', 'Basic ', 'Bearer ']) {
    assert.ok(!text.includes(secret), `access log holds ${secret.slice(0, 8)}...`);
  }
});

test("at values.yaml's error-log level, an upstream failure leaves no token in the error log", () => {
  const errors = readFileSync(join(dir, 'error.log'), 'utf8');
  assert.ok(!errors.includes(token), errors);
  // Without that setting nginx quotes the request line, token included: the control location shows it.
  const control = readFileSync(join(dir, 'error-default.log'), 'utf8');
  assert.ok(control.includes(token), `nginx no longer logs request lines at "error"?\n${control}`);
});

test('the agent took the client address from the one trusted hop, not from the forged header', () => {
  const start = agent!.logs.find((l) => l.includes('"call_start"') && l.includes('call-ingress-log'));
  assert.ok(start, agent!.logs.join('\n'));
  assert.equal((JSON.parse(start) as { ip?: string }).ip, '127.0.0.1');
});
