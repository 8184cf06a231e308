import { identifierProblem } from './identifier-text.util';

describe('identifierProblem', () => {
  it.each([
    ['NUL', 'ada\u0000@example.com', 'U+0000'],
    ['CR', 'ada\r@example.com', 'U+000D'],
    ['LF', 'ada\n@example.com', 'U+000A'],
    ['TAB', 'Ada\tLovelace', 'U+0009'],
    ['DEL', 'ada\u007f', 'U+007F'],
    ['C1 (NEL)', 'ada\u0085', 'U+0085'],
    ['right-to-left override', 'ada\u202Emoc.elpmaxe@', 'U+202E'],
    ['left-to-right isolate', '\u2066ada', 'U+2066'],
    ['right-to-left mark', 'ada\u200F', 'U+200F'],
    ['Arabic letter mark', 'ada\u061C', 'U+061C'],
    ['zero-width space', 'ad\u200Ba@example.com', 'U+200B'],
    ['zero-width joiner', 'ad\u200Da', 'U+200D'],
    ['word joiner', 'ad\u2060a', 'U+2060'],
    ['byte order mark', '\uFEFFada', 'U+FEFF'],
    ['line separator', 'ada\u2028', 'U+2028'],
  ])('refuses %s', (_name, value, code) => {
    expect(identifierProblem(value)).toContain(code);
  });

  it.each([
    ['a lone high surrogate', 'ada\ud83d'],
    ['a lone low surrogate', '\ude00ada'],
    ['two high surrogates', '\ud83d\ud83d'],
  ])('refuses %s', (_name, value) => {
    expect(identifierProblem(value)).toMatch(/surrogate/);
  });

  it.each([
    ['plain ASCII', 'ada.lovelace@example.com'],
    ['accents, composed and decomposed', 'José Jose\u0301'],
    ['non-Latin scripts', 'محمد 山田太郎 Ἀριστοτέλης'],
    ['an emoji (a valid surrogate pair) and spaces', 'Ada 🚀 Lovelace'],
    ['fullwidth forms (folded by the key, not refused)', 'ＡＬＩＣＥ@example.com'],
    ['an apostrophe and a hyphen', "O'Brien-Smith"],
  ])('accepts %s', (_name, value) => {
    expect(identifierProblem(value)).toBeNull();
  });
});
