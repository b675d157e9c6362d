import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT, startAgentProcess } from '../../helpers/agent-process.js';
import { PASSWORD, USER } from '../../helpers/app.js';
import { assertNoStack, runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'swml-serve-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const api = JSON.stringify(`${ROOT}src/index.ts`);

/** A user's project outside the clone: its agent imports `swml-guard` by name (the bin maps it to the sources). */
function writeProject(): string {
  const dir = join(tmp, 'my-agent');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'agent.ts'),
    `import { AgentBase, FunctionResult } from 'swml-guard';

export default async function createAgent(): Promise<AgentBase> {
  const agent = new AgentBase({ name: 'pizza', route: '/pizza' });
  agent.setPromptText('You take pizza orders.');
  agent.defineTool<{ size: string }>({
    name: 'order_pizza',
    description: 'Order a pizza and charge the card on file',
    secure: true,
    parameters: { size: { type: 'string', enum: ['small', 'large'] } },
    handler: ({ size }) => new FunctionResult(\`One \${size} pizza ordered.\`),
  });
  return agent;
}
`,
  );
  return join(dir, 'agent.ts');
}

async function swml(baseUrl: string, path: string) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ call: { call_id: 'serve-test-1', from: '+15550001111' } }),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as {
    sections: {
      main: [unknown, { ai: { SWAIG: { functions: { function: string; web_hook_url?: string }[] } } }];
    };
  };
}

describe('swml-guard serve (subprocess)', () => {
  it('serves a TypeScript agent module from a temp folder (path relative to the cwd)', async () => {
    const file = writeProject();
    const agent = await startAgentProcess({
      entry: 'bin/swml-guard.js',
      args: ['serve', relative(ROOT, file)],
      env: { LOG_LEVEL: 'warn' },
    });
    try {
      const doc = await swml(agent.baseUrl, '/pizza');
      const fns = doc.sections.main[1].ai.SWAIG.functions;
      assert.deepEqual(
        fns.map((f) => f.function),
        ['order_pizza'],
      );
      assert.match(fns[0]?.web_hook_url ?? '', /\/pizza\/swaig\?__token=/);
      const r = await runCli(
        [
          'call',
          `${agent.baseUrl}/pizza`,
          '--function',
          'order_pizza',
          '--args',
          '{"size":"large"}',
          '--json',
        ],
        {
          env: { SWML_BASIC_AUTH_PASSWORD: agent.password },
        },
      );
      assert.equal(JSON.parse(r.stdout).result.response.response, 'One large pizza ordered.', r.stderr);
    } finally {
      assert.equal(await agent.stop(), 0, 'drains and exits 0 on SIGTERM');
    }
  });

  it('AGENT_MODULE selects a JavaScript module exporting `agent`', async () => {
    const file = join(tmp, 'agent.mjs');
    writeFileSync(
      file,
      `import { AgentBase, FunctionResult } from ${api};
export const agent = new AgentBase({ name: 'hours' });
agent.defineTool({ secure: false, name: 'opening_hours', description: 'When we are open', handler: () => new FunctionResult('9 to 5') });
`,
    );
    const agent = await startAgentProcess({
      entry: 'bin/swml-guard.js',
      args: ['serve'],
      env: { AGENT_MODULE: file, LOG_LEVEL: 'warn' },
    });
    try {
      const doc = await swml(agent.baseUrl, '/');
      assert.deepEqual(
        doc.sections.main[1].ai.SWAIG.functions.map((f) => f.function),
        ['opening_hours'],
      );
    } finally {
      await agent.stop();
    }
  });

  it('fails cleanly: a missing module, a module without an agent, a configuration error (exit 78)', async () => {
    const missing = await runCli(['serve', 'no/such/agent.ts']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /agent module not found: .*no\/such\/agent\.ts\nfix: /);
    const empty = join(tmp, 'empty.mjs');
    writeFileSync(empty, 'export const x = 1;\n');
    const none = await runCli(['serve', empty]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /does not export an agent\nfix: `export default agent`/);
    const config = await runCli(['serve'], {
      env: { SWML_TOKEN_SECRET: 'too-short', PORT: '0', METRICS_PORT: '0' },
    });
    assert.equal(config.code, 78);
    assert.match(config.stderr, /ERR_SWML_WEAK_TOKEN_SECRET: SWML_TOKEN_SECRET must be at least 32 bytes/);
    assert.ok(!config.stderr.includes('too-short'));
    for (const r of [missing, none, config]) assertNoStack(r.stderr);
  });
});
