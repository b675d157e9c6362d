// Redaction by meaning: tables of field names, nesting, card numbers, URLs and the last-line secret scrub.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskCards } from '../../../src/observability/card.js';
import { DEFAULT_FIELDS, fieldClassifier } from '../../../src/observability/field-names.js';
import { REDACTED, sanitize, sensitiveSet } from '../../../src/observability/redact.js';
import { secretScrubber } from '../../../src/observability/secret-scrub.js';
import { redactUrl } from '../../../src/observability/url-redact.js';

const VALUE = 'S3cr3t-Value-0042';

describe('field names by meaning', () => {
  const redacted = [
    'password',
    'newPassword',
    'new-password',
    'NEW_PASSWORD',
    'userpassword',
    'passwd',
    'pwd',
    'passcode',
    'pin',
    'pin_code',
    'PIN',
    'ssn',
    'otp',
    'otp_code',
    'mfa_code',
    'mfaCode',
    'totp',
    'cvv',
    'cvc',
    'card_number',
    'cardNumber',
    'card.number',
    'credit_card',
    'creditCardNumber',
    'api_key',
    'apiKey',
    'x-api-key',
    'secret',
    'client_secret',
    'token',
    'access_token',
    '__token',
    'verification_code',
    'verificationCode',
    'security_answer',
    'account_password',
    'signature',
    'authorization',
  ];
  const masked = [
    'account_number',
    'accountNumber',
    'account',
    'to_account',
    'from-account',
    'iban',
    'IBAN',
    'routing_number',
    'phone',
    'phone_number',
    'callback_number',
  ];
  const plain = [
    'amount',
    'spin',
    'pinned',
    'shipping',
    'account_type',
    'number',
    'note',
    'name',
    'classname',
  ];

  for (const name of redacted) {
    it(`${name} is redacted`, () => assert.equal(DEFAULT_FIELDS.classify(name), 'redact'));
  }
  for (const name of masked) {
    it(`${name} is masked`, () => assert.equal(DEFAULT_FIELDS.classify(name), 'mask'));
  }
  for (const name of plain) {
    it(`${name} is logged`, () => assert.equal(DEFAULT_FIELDS.classify(name), undefined));
  }
  it('a nested key is read with its parent: {card: {number}} and {account: {number}}', () => {
    assert.equal(DEFAULT_FIELDS.classify('number', 'card'), 'redact');
    assert.equal(DEFAULT_FIELDS.classify('number', 'account'), 'mask');
    assert.equal(DEFAULT_FIELDS.classify('number', 'order'), undefined);
  });
  it("a tool's own sensitive and mask names match in any spelling", () => {
    const c = fieldClassifier({ sensitive: ['mothers_maiden_name'], mask: ['member_id'] });
    assert.equal(c.classify('mothersMaidenName'), 'redact');
    assert.equal(c.classify('member-id'), 'mask');
  });
});

describe('sanitize', () => {
  it('redacts and masks by meaning at any depth, in arrays too', () => {
    const input = {
      newPassword: VALUE,
      card: { number: '4111 1111 1111 1111', exp: '12/30' },
      'card.number': '5555555555554444',
      payee: { iban: 'DE89370400440532013000', name: 'Jo' },
      list: [{ otp: '123456' }, { mfa_code: '654321' }],
      amount: 5,
    };
    assert.deepEqual(sanitize(input), {
      newPassword: REDACTED,
      card: { number: REDACTED, exp: '12/30' },
      'card.number': REDACTED,
      payee: { iban: '***3000', name: 'Jo' },
      list: [{ otp: REDACTED }, { mfa_code: REDACTED }],
      amount: 5,
    });
  });

  it('masks Luhn-valid card numbers anywhere, with or without spaces or dashes, quoted or not', () => {
    const out = sanitize({
      note: 'card 4111-1111-1111-1111 please',
      other: '4012888888881881',
      raw: 4242424242424242,
      notCard: '4111111111111112',
      phone: '+15551234567',
    }) as Record<string, unknown>;
    assert.equal(out.note, 'card [card ***1111] please');
    assert.equal(out.other, '[card ***1881]');
    assert.equal(out.raw, '[card ***4242]');
    assert.equal(out.notCard, '4111111111111112', 'Luhn-invalid: kept');
    assert.equal(out.phone, '***4567', 'phone fields are masked by name');
  });

  it("the demo's transfer_funds.to_account is masked like a caller number", () => {
    const fields = sensitiveSet([], ['to_account']);
    assert.deepEqual(sanitize({ amount: 5, to_account: '1234567890' }, fields), {
      amount: 5,
      to_account: '***7890',
    });
  });

  it('masks an exact value (the caller number) inside any string', () => {
    assert.deepEqual(
      sanitize({ msg: 'calling +15557654321 back' }, DEFAULT_FIELDS, { exact: '+15557654321' }),
      {
        msg: 'calling ***4321 back',
      },
    );
  });
});

describe('maskCards', () => {
  const cases: [string, string][] = [
    ['4111111111111111', '[card ***1111]'],
    ['4111 1111 1111 1111', '[card ***1111]'],
    ['378282246310005', '[card ***0005]'],
    ['6011-1111-1111-1117', '[card ***1117]'],
    ['2024-05-01T12:34:56.789Z', '2024-05-01T12:34:56.789Z'],
    ['41111111111111111111111', '41111111111111111111111'],
    ['id 1234567890123', 'id 1234567890123'],
  ];
  for (const [input, expected] of cases) it(input, () => assert.equal(maskCards(input), expected));
});

describe('redactUrl', () => {
  const cases: [string, string][] = [
    ['/swaig?__token=abc.def.ghi', '/swaig?__token=[REDACTED]'],
    ['/swaig?%5F%5Ftoken=abc.def.ghi', '/swaig?%5F%5Ftoken=[REDACTED]'],
    ['/swaig?%5f%5FToken=abc', '/swaig?%5f%5FToken=[REDACTED]'],
    ['/x?newPassword=hunter22&a=1', '/x?newPassword=[REDACTED]&a=1'],
    ['/x?new-password=hunter22', '/x?new-password=[REDACTED]'],
    ['/x?api_key=k&sig=s&signature=t', '/x?api_key=[REDACTED]&sig=[REDACTED]&signature=[REDACTED]'],
    ['/x?account_number=1234567890', '/x?account_number=***7890'],
    ['/x?q=4111111111111111', '/x?q=[card ***1111]'],
    ['https://u:p@host/x', 'https://host/x'],
    ['/plain/path', '/plain/path'],
  ];
  for (const [input, expected] of cases) it(input, () => assert.equal(redactUrl(input), expected));
});

describe('secret scrub of serialized lines', () => {
  const password = 'p@ss:w/rd %+&-0123456789-Secret';
  const user = 'signalwire';
  const scrub = secretScrubber({
    secrets: [password],
    credentials: [{ user, password }],
    tokenKeyIds: ['KID12345'],
  });
  const upper = encodeURIComponent(password);
  const lower = upper.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const everyChar = [...Buffer.from(password)].map((b) => `%${b.toString(16)}`).join('');
  const forms: [string, string][] = [
    ['plain', password],
    ['percent-encoded, upper-case hex', upper],
    ['percent-encoded, lower-case hex', lower],
    ['every character percent-encoded', everyChar],
    ['form-encoded (space as +)', upper.replace(/%20/g, '+')],
    ['base64 user:password', Buffer.from(`${user}:${password}`).toString('base64')],
    ['base64url user:password', Buffer.from(`${user}:${password}`).toString('base64url')],
    ['base64 password', Buffer.from(password).toString('base64')],
  ];
  for (const [what, form] of forms) {
    it(`removes the password ${what}`, () => {
      const out = scrub(`{"msg":"x","url":"/a?q=${form}&b=1"}`);
      assert.ok(!out.includes(form), out);
      assert.match(out, /\[REDACTED\]/);
    });
  }
  it('removes a function token, its dots percent-encoded too', () => {
    for (const token of ['KID12345.payload_1.mac-2', 'KID12345%2Epayload_1%2emac-2']) {
      assert.equal(scrub(`{"url":"/swaig?x=${token}"}`), '{"url":"/swaig?x=[REDACTED]"}');
    }
  });
  it('leaves other lines alone', () => {
    const line = '{"level":30,"msg":"request completed","url":"/swaig?a=1%20b"}';
    assert.equal(scrub(line), line);
  });
});
