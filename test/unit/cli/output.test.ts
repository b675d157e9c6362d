import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { colors, maskUrl, parse, table, wantsColor, CliError } from '../../../src/cli/output.js';

describe('cli output', () => {
  it('colors only on a TTY with NO_COLOR unset', () => {
    assert.equal(wantsColor({ isTTY: true }, {}), true);
    assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: '' }), true);
    assert.equal(wantsColor({ isTTY: false }, {}), false);
    assert.equal(wantsColor({}, {}), false);
    assert.equal(colors(false).red('x'), 'x');
    assert.equal(colors(true).red('x'), '\u001b[31mx\u001b[39m');
  });

  it('masks userinfo and token values, keeps the rest of the URL', () => {
    const cases: [string, string][] = [
      [
        'https://signalwire:p%40ss@agent.example.com/swaig?__token=abc.def',
        'https://***:***@agent.example.com/swaig?__token=***',
      ],
      ['http://u:p@127.0.0.1:3000/bank/swaig', 'http://***:***@127.0.0.1:3000/bank/swaig'],
      ['https://host/swaig?token=xyz&a=1', 'https://host/swaig?token=***&a=1'],
      ['not a url', '(invalid URL)'],
    ];
    for (const [input, expected] of cases) assert.equal(maskUrl(input), expected, input);
  });

  it('aligns table columns, ignoring color codes', () => {
    const c = colors(true);
    const lines = table(
      ['a', 'bb', 'c'],
      [
        [c.green('long-value'), 'x', 'end'],
        ['s', 'yyyy', 'z'],
      ],
    );
    const plain = lines.map((l) => l.replaceAll('\u001b[32m', '').replaceAll('\u001b[39m', ''));
    assert.deepEqual(plain, [
      'a           bb    c',
      '----------  ----  ---',
      'long-value  x     end',
      's           yyyy  z',
    ]);
  });

  it('turns parseArgs errors into a CliError that points at the verb help (exit 2)', () => {
    assert.throws(
      () => parse('status', ['--nope'], { json: { type: 'boolean' } }),
      (err: unknown) =>
        err instanceof CliError && err.exitCode === 2 && err.fix === 'run `swml-guard status --help`',
    );
    assert.throws(() => parse('secret', ['extra'], {}, false), CliError);
    assert.deepEqual(parse('call', ['u', '--json'], { json: { type: 'boolean' } }).positionals, ['u']);
  });
});
