import { normalizedKey } from './normalized-key';

describe('normalizedKey', () => {
  it.each([
    ['Bob@Example.com', 'bob@example.com'],
    ['bob ', 'bob'],
    ['Jose\u0301', 'Jos\u00e9'], // decomposed and composed é
    ['ＡＬＩＣＥ@example.com', 'alice@example.com'], // fullwidth forms (NFKC)
    ['\uFB01nance', 'finance'], // the ligature ﬁ
    ['\u3000bob\u3000', 'bob'], // ideographic spaces trim like ASCII ones
    ['ＥＮＧＩＮＥＥＲＩＮＧ', 'Engineering'],
  ])('treats %j and %j as the same key', (a, b) => {
    expect(normalizedKey(a)).toBe(normalizedKey(b));
  });

  it.each([
    ['josé', 'jose'],
    ['bob', 'bob2'],
    ['a b', 'ab'],
  ])('keeps %j and %j apart (collations would not)', (a, b) => {
    expect(normalizedKey(a)).not.toBe(normalizedKey(b));
  });

  it('is a 64-character hex digest', () => {
    expect(normalizedKey('x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
