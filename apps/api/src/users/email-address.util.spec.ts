import { isPlainEmail } from './email-address.util';

describe('isPlainEmail', () => {
  it.each([
    'ada@example.com',
    'Ada.Lovelace+work@sub.example.co.uk',
    "o'brien@example.ie",
    'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com',
    'first.work@contoso.test',
  ])('accepts %s', (value) => expect(isPlainEmail(value)).toBe(true));

  it.each([
    ['a list', 'a@x.com, b@y.com'],
    ['a list without a space', 'a@x.com,b@y.com'],
    ['a semicolon list', 'a@x.com;b@y.com'],
    ['a display name', 'Ada <ada@x.com>'],
    ['angle brackets', '<ada@x.com>'],
    ['a quoted local part', '"ada lovelace"@x.com'],
    ['whitespace', 'ada @x.com'],
    ['a newline (header injection)', 'ada@x.com\nBcc: eve@y.com'],
    ['two @', 'a@b@x.com'],
    ['no @', 'ada.x.com'],
    ['an empty local part', '@x.com'],
    ['an empty domain', 'ada@'],
    ['a domain starting with a dot', 'ada@.x.com'],
    ['a domain ending with a dot', 'ada@x.com.'],
    ['a colon (group syntax)', 'team:ada@x.com'],
  ])('refuses %s', (_, value) => expect(isPlainEmail(value)).toBe(false));
});
