import { blankToNull, isBlank, trimmedOrNull } from './blank.util';

describe('blank clears', () => {
  it.each([[null], [undefined], [''], [' '], ['   '], ['\t\n ']])('%j is blank', (value) => {
    expect(isBlank(value)).toBe(true);
    expect(blankToNull(value)).toBeNull();
    expect(trimmedOrNull(value)).toBeNull();
  });

  it.each([['a'], [' a '], ['0'], ['false']])('%j is not blank and is kept as sent', (value) => {
    expect(isBlank(value)).toBe(false);
    expect(blankToNull(value)).toBe(value);
  });

  it('trimmedOrNull stores the same values trimmed', () => {
    expect([' a ', 'a', '\tb c\n'].map(trimmedOrNull)).toEqual(['a', 'a', 'b c']);
  });

  it('a value that is not text is not blank, and is no text to store either', () => {
    for (const value of [0, false, {}, []]) {
      expect(isBlank(value)).toBe(false);
      expect(blankToNull(value)).toBeNull();
      expect(trimmedOrNull(value)).toBeNull();
    }
  });
});
