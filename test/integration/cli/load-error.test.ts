// A broken agent module: the CLI names the file, line and column and shows the offending line, never a stack.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoStack, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'swml-load-error-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');

function agentFile(name: string, broken: string): string {
  writeFileSync(
    join(dir, name),
    `import { AgentBase, FunctionResult } from 'swml-guard';

const agent = new AgentBase({ name: 'broken' });
${broken}
export default agent;
`,
  );
  return name;
}

describe('an agent module that does not load', () => {
  it('a syntax error: file:line:column, the line and a caret under the column', async () => {
    const file = agentFile(
      'syntax.ts',
      "agent.defineTool({ name: 'a', description: 'b', secure: false, handler: () => new FunctionResult('ok') ;",
    );
    for (const verb of ['serve', 'test']) {
      const r = await runCli([verb, file, ...(verb === 'test' ? ['--list'] : [])], { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /cannot load .*syntax\.ts: Expected "}" but found ";"/);
      const column =
        "agent.defineTool({ name: 'a', description: 'b', secure: false, handler: () => new FunctionResult('ok') "
          .length + 1;
      assert.match(r.stderr, new RegExp(`\\n  --> .*syntax\\.ts:4:${column}\\n`));
      assert.match(r.stderr, /\n {2}4 \| agent\.defineTool\(\{ name: 'a'.*\n {4}\| {100,}\^\n/);
      assert.match(r.stderr, /fix: correct the syntax at that line/);
      assertNoStack(r.stderr);
    }
  });

  it('an error thrown while the module runs: the line of the user code, mapped back to TypeScript', async () => {
    const file = agentFile(
      'throws.ts',
      'const config: { hints?: string[] } = {};\nagent.addHints(config.hints!.map((h) => h.trim()));',
    );
    const r = await runCli(['serve', file], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /cannot load .*throws\.ts: TypeError: Cannot read properties of undefined \(reading 'map'\)/,
    );
    assert.match(r.stderr, /\n {2}--> .*throws\.ts:5:\d+\n {2}5 \| agent\.addHints\(config\.hints!\.map/);
    assertNoStack(r.stderr);
  });
});
