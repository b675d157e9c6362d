// Bad input against a running agent: >= 5000 generated requests (seeded), zero 5xx, documented statuses only,
// JSON bodies that leak nothing, the process alive and its memory bounded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process.js';
import { ADMIN_TOKEN, PASSWORD, TOKEN_SECRET, USER } from '../helpers/app.js';
import { generator, type BadCase } from './fixtures/bad-input-cases.js';
import { rawRequest } from './fixtures/raw-http.js';

const SEED = Number(process.env.RELIABILITY_SEED ?? 0x5eed);
const COUNT = 5000;
const LIMIT = 64 * 1024;
const DOCUMENTED = new Set([200, 400, 401, 403, 404, 405, 413, 415, 429]);
const LEAKS = [
  /\bat .+:\d+:\d+/,
  /node_modules|\/work\/|\/src\/|\/home\/|\.ts\b|\.js\b/,
  /Error:|TypeError|SyntaxError|stack/,
  new RegExp(PASSWORD),
  new RegExp(TOKEN_SECRET),
  new RegExp(ADMIN_TOKEN),
];

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
}

interface Outcome {
  family: string;
  status: number;
  body: string;
  contentType: string;
  method: string;
  /** What was sent (first line and headers), for failure messages. */
  sent: string;
}

async function send(agent: AgentProcess, c: BadCase): Promise<Outcome> {
  if (c.kind === 'raw') {
    const res = await rawRequest(agent.port, c.bytes);
    const type = /\r\ncontent-type: ([^\r\n]+)/i.exec(res.headers)?.[1] ?? '';
    return {
      family: c.family,
      status: res.status,
      body: res.body,
      contentType: type,
      method: c.bytes.toString('latin1').split(' ')[0] ?? '',
      sent: c.bytes.toString('latin1').slice(0, 300),
    };
  }
  const init: RequestInit = { method: c.method, headers: c.headers };
  if (c.body !== undefined) init.body = c.body;
  const res = await fetch(`${agent.baseUrl}${c.path}`, init);
  return {
    family: c.family,
    status: res.status,
    body: await res.text(),
    contentType: res.headers.get('content-type') ?? '',
    method: c.method,
    sent: `${c.method} ${c.path.slice(0, 200)}`,
  };
}

/** What is wrong with one answer, or undefined. */
function problem(o: Outcome): string | undefined {
  if (o.status >= 500) return '5xx';
  // Node's HTTP parser refuses requests it cannot parse (CR/LF in a header, bad Content-Length, smuggling,
  // HTTP/1.1 without Host) with a bare 400 and closes: no application code ran, so no JSON body to check.
  const parserRefusal = o.status === 400 && o.contentType === '' && (o.body === '' || o.body === '0\r\n\r\n');
  if (!DOCUMENTED.has(o.status)) return `undocumented status ${o.status}`;
  // Function tokens are random base64url segments joined by dots: one can spell `.ts-` or `.js_` by chance,
  // which is not a source path. They are checked against the secrets below, not the path patterns.
  const withoutTokens = o.body.replace(/__token=[A-Za-z0-9._~-]+/g, '__token=');
  for (const leak of LEAKS) {
    // A 200 SWML document carries the Basic Auth credentials in its webhook URLs by design (SPEC 5).
    if (o.status === 200 && leak.source === PASSWORD) continue;
    const secret = leak.source === TOKEN_SECRET || leak.source === ADMIN_TOKEN;
    if (leak.test(secret ? o.body : withoutTokens)) return `leak ${leak.source.slice(0, 20)}`;
  }
  if (parserRefusal || o.method === 'HEAD') return undefined;
  if (!o.contentType.startsWith('application/json')) return `content-type ${o.contentType}`;
  let value: unknown;
  try {
    value = JSON.parse(o.body);
  } catch {
    return 'body is not JSON';
  }
  if (o.status !== 200) {
    const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
    const text = (value as { error?: unknown }).error;
    if (keys.length !== 1 || typeof text !== 'string' || !/^[a-z0-9 _-]{1,40}$/.test(text))
      return `error body ${o.body.slice(0, 80)}`;
  }
  return undefined;
}

describe('bad input', { timeout: 240_000 }, () => {
  let agent: AgentProcess;
  before(async () => {
    agent = await startAgentProcess({
      env: {
        LOG_LEVEL: 'warn',
        SWML_TRUST_PROXY: '1',
        SWML_MAX_REQUEST_SIZE: '64kb',
        SWML_RATE_LIMIT: '60',
        SWML_CALL_RATE_LIMIT: '1000000',
        SWML_CALLER_CALL_LIMIT: '100000',
      },
    });
  });
  after(async () => {
    await agent.stop();
  });

  it(`answers ${COUNT} generated bad requests (seed ${SEED}) with documented statuses, no 5xx, no leaks`, async () => {
    const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    const headers = {
      authorization: auth,
      'content-type': 'application/json',
      'x-forwarded-for': '10.200.0.1',
    };
    const swml = await (
      await fetch(`${agent.baseUrl}/`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ call: { call_id: 'fuzz-call' } }),
      })
    ).text();
    const securePath = /"function":"transfer_funds".*?"web_hook_url":"[^"]*?(\/swaig\?__token=[^"]+)"/.exec(
      swml,
    )?.[1];
    assert.ok(securePath, 'the SWML carries a token for transfer_funds');
    const next = generator(SEED, { auth, securePath, secureCallId: 'fuzz-call', limit: LIMIT });
    const cases = Array.from({ length: COUNT }, next);

    // Warm up, then take the baseline memory figure.
    for (let i = 0; i < 200; i++) await send(agent, cases[i]!);
    const rssBefore = rssMb(agent.child.pid!);

    const outcomes: Outcome[] = [];
    let cursor = 0;
    const worker = async () => {
      while (cursor < cases.length) {
        const c = cases[cursor++]!;
        outcomes.push(await send(agent, c));
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const rssAfter = rssMb(agent.child.pid!);

    const byFamily = new Map<string, Map<number, number>>();
    for (const o of outcomes) {
      const m = byFamily.get(o.family) ?? new Map<number, number>();
      m.set(o.status, (m.get(o.status) ?? 0) + 1);
      byFamily.set(o.family, m);
    }
    const table = [...byFamily].map(
      ([f, m]) =>
        `${f}: ${[...m]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}x${n}`)
          .join(' ')}`,
    );
    const problems = outcomes.map((o) => [o, problem(o)] as const).filter(([, p]) => p !== undefined);
    const statuses = outcomes.reduce<Record<number, number>>(
      (acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }),
      {},
    );
    console.log(
      JSON.stringify({
        requests: outcomes.length + 200,
        statuses,
        problems: problems.length,
        rssBeforeMb: rssBefore,
        rssAfterMb: rssAfter,
      }),
    );
    console.log(table.join('\n'));

    assert.equal(outcomes.length, COUNT);
    assert.deepEqual(
      problems
        .slice(0, 5)
        .map(
          ([o, p]) => `${o.family} ${o.status}: ${p} (${o.body.slice(0, 100)}) <- ${JSON.stringify(o.sent)}`,
        ),
      [],
    );
    assert.ok((statuses[429] ?? 0) > 0, 'some requests were rate limited (the limiter ran)');
    assert.ok((statuses[200] ?? 0) > 0 && (statuses[401] ?? 0) > 0 && (statuses[413] ?? 0) > 0);
    assert.equal(agent.child.exitCode, null, 'the agent is alive');
    assert.equal((await fetch(`http://127.0.0.1:${agent.metricsPort}/health`)).status, 200);
    assert.equal((await fetch(`${agent.baseUrl}/health`)).status, 200);
    assert.ok(rssAfter < 250, `RSS ${rssAfter.toFixed(0)} MB stays under 250 MB`);
    assert.ok(rssAfter - rssBefore < 100, `RSS grew by ${(rssAfter - rssBefore).toFixed(0)} MB (< 100 MB)`);
  });
});
