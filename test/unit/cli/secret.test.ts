import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../../src/cli/output.js';
import { fillTemplate, strongSecret } from '../../../src/cli/secret.js';

describe('cli secret', () => {
  it('strongSecret: 64 base64url characters (48 random bytes), never twice the same', () => {
    const seen = new Set(Array.from({ length: 50 }, strongSecret));
    assert.equal(seen.size, 50);
    for (const s of seen) assert.match(s, /^[A-Za-z0-9_-]{64}$/);
  });

  it('fillTemplate: one fresh hex value per placeholder name, reused where the name repeats', () => {
    const out = fillTemplate(
      'D=__SWML_DOMAIN__\nA=__SECRET_A__\nB=__SECRET_B__\nURL=redis://:__SECRET_A__@r/0\n',
      'x.example',
    );
    const [d, a, b, url] = out
      .trim()
      .split('\n')
      .map((l) => l.slice(l.indexOf('=') + 1));
    assert.equal(d, 'x.example');
    assert.match(a ?? '', /^[0-9a-f]{64}$/);
    assert.match(b ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(a, b);
    assert.equal(url, `redis://:${a}@r/0`);
    assert.notEqual(fillTemplate('__SECRET_A__', 'h'), fillTemplate('__SECRET_A__', 'h'));
  });

  it('fillTemplate drops the #! notes meant for the tools', () => {
    assert.equal(
      fillTemplate('#! rules: __SWML_DOMAIN__ ...\n# kept\nD=__SWML_DOMAIN__\n', 'h.example'),
      '# kept\nD=h.example\n',
    );
  });

  it('fillTemplate refuses an unknown placeholder', () => {
    assert.throws(() => fillTemplate('X=__PASSWORD__', 'h'), CliError);
  });
});
