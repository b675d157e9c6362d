import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { sha256, timingSafeEqual, timingSafeEqualDigest } from '../../../src/security/timing-safe.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const HELPER = 'security/timing-safe.ts';
/** The modules that compare secrets: Basic Auth, function tokens, the admin Bearer token, signatures. */
const SECRET_MODULES = [
  'security/basic-auth.ts',
  'security/function-token.ts',
  'http/internal.ts',
  'security/signature.ts',
];
/** Names of values that hold (or are derived from) a secret. */
const SECRET_NAME = /password|token|secret|mac|signature|digest|expected|supplied|credential|hmac/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return sourceFiles(full);
      return name.endsWith('.ts') ? [full] : [];
    });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** Where node:crypto's timingSafeEqual is imported, required or called as `crypto.timingSafeEqual`. */
function cryptoTimingSafeUses(source: ts.SourceFile): string[] {
  const uses: string[] = [];
  walk(source, (n) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const from = n.moduleSpecifier.text;
      if ((from === 'node:crypto' || from === 'crypto') && /\btimingSafeEqual\b/.test(n.getText()))
        uses.push(`import from ${from}`);
    }
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'timingSafeEqual') uses.push(n.getText());
    if (ts.isCallExpression(n) && n.expression.getText() === 'require') uses.push(n.getText());
  });
  return uses;
}

/** A literal or a shape check (`=== undefined`, `=== ''`, `typeof x`, `.length`): not a secret comparison. */
function harmless(side: ts.Expression): boolean {
  if (
    ts.isStringLiteral(side) ||
    ts.isNumericLiteral(side) ||
    ts.isNoSubstitutionTemplateLiteral(side) ||
    ts.isTypeOfExpression(side) ||
    side.kind === ts.SyntaxKind.NullKeyword ||
    side.kind === ts.SyntaxKind.TrueKeyword ||
    side.kind === ts.SyntaxKind.FalseKeyword
  )
    return true;
  if (ts.isIdentifier(side) && side.text === 'undefined') return true;
  return ts.isPropertyAccessExpression(side) && side.name.text === 'length';
}

/** `a === b` (or `!==`, `==`, `!=`, `.equals()`, `Buffer.compare`) where a side names a secret. */
function plainSecretComparisons(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const equality = new Set([
    ts.SyntaxKind.EqualsEqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsEqualsToken,
    ts.SyntaxKind.EqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsToken,
  ]);
  walk(source, (n) => {
    if (ts.isBinaryExpression(n) && equality.has(n.operatorToken.kind)) {
      const sides = [n.left, n.right];
      if (sides.some(harmless)) return;
      if (sides.some((s) => SECRET_NAME.test(s.getText()))) found.push(n.getText());
    }
    if (ts.isCallExpression(n)) {
      const callee = n.expression.getText();
      if (/\.equals$|^Buffer\.compare$|\.localeCompare$/.test(callee)) found.push(n.getText());
    }
  });
  return found;
}

describe('constant-time comparisons: static checks over src/', () => {
  it("node:crypto's timingSafeEqual is used only in src/security/timing-safe.ts", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file);
      for (const use of cryptoTimingSafeUses(parse(file))) {
        if (rel !== HELPER || use.startsWith('require')) offenders.push(`${rel}: ${use}`);
      }
    }
    assert.deepEqual(offenders, []);
    assert.equal(cryptoTimingSafeUses(parse(join(SRC, HELPER))).length, 1, 'the helper itself uses it');
  });

  for (const rel of SECRET_MODULES) {
    it(`${rel} compares secrets only through the shared helper`, () => {
      const source = parse(join(SRC, rel));
      assert.deepEqual(plainSecretComparisons(source), [], 'no ===, !==, .equals() on secret values');
      const helperImports = source.statements.filter(
        (s) =>
          ts.isImportDeclaration(s) &&
          ts.isStringLiteral(s.moduleSpecifier) &&
          /timing-safe\.js$/.test(s.moduleSpecifier.text),
      );
      assert.equal(helperImports.length, 1, 'imports the shared helper');
      let calls = 0;
      walk(source, (n) => {
        if (ts.isCallExpression(n) && /^timingSafeEqual(Digest)?$/.test(n.expression.getText())) calls++;
      });
      assert.ok(calls > 0, 'calls the shared helper');
    });
  }

  it('the checker itself finds a plain comparison (it can fail)', () => {
    const bad = ts.createSourceFile(
      'bad.ts',
      [
        'if (password === expectedPassword) ok();',
        'if (supplied.trim() !== signRequest(key, url, body)) no();',
        'if (mac.equals(expected)) ok();',
        "if (token === undefined || token === '') missing();",
        'if (secret.length !== 32) short();',
      ].join('\n'),
      ts.ScriptTarget.ES2022,
      true,
    );
    assert.deepEqual(plainSecretComparisons(bad), [
      'password === expectedPassword',
      'supplied.trim() !== signRequest(key, url, body)',
      'mac.equals(expected)',
    ]);
    const importer = ts.createSourceFile(
      'imp.ts',
      "import { timingSafeEqual } from 'node:crypto';\nconst c = require('crypto');\ncrypto.timingSafeEqual(a, b);",
      ts.ScriptTarget.ES2022,
      true,
    );
    assert.equal(cryptoTimingSafeUses(importer).length, 3);
  });
});

describe('timingSafeEqual (the shared helper)', () => {
  it('equal strings and buffers are equal', () => {
    assert.equal(timingSafeEqual('s3cret-value', 's3cret-value'), true);
    assert.equal(timingSafeEqual(Buffer.from('s3cret'), Buffer.from('s3cret')), true);
    assert.equal(timingSafeEqual('', ''), true);
  });

  it('different values are different, including one byte and case', () => {
    assert.equal(timingSafeEqual('s3cret-value', 's3cret-valuE'), false);
    assert.equal(timingSafeEqual('a', 'b'), false);
    assert.equal(timingSafeEqual(Buffer.from([0]), Buffer.from([1])), false);
  });

  it('different lengths are different and never throw (crypto.timingSafeEqual alone would)', () => {
    assert.equal(timingSafeEqual('short', 'a much longer value'), false);
    assert.equal(timingSafeEqual('', 'x'), false);
    assert.equal(timingSafeEqual('x'.repeat(100_000), 'x'), false);
    assert.equal(timingSafeEqual('abc', 'abc\u0000'), false);
  });

  it('a buffer equals the string of the same bytes (UTF-8), and only that', () => {
    assert.equal(timingSafeEqual(Buffer.from('pässword', 'utf8'), 'pässword'), true);
    assert.equal(timingSafeEqual(Buffer.from('pässword', 'latin1'), 'pässword'), false);
  });

  it('timingSafeEqualDigest compares against a precomputed sha256', () => {
    const expected = sha256('s3cret-value');
    assert.equal(expected.length, 32);
    assert.equal(timingSafeEqualDigest('s3cret-value', expected), true);
    assert.equal(timingSafeEqualDigest('s3cret-valu', expected), false);
    assert.equal(timingSafeEqualDigest(Buffer.from('s3cret-value'), expected), true);
  });
});
