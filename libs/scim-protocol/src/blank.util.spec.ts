import { blankToNull, isBlank } from './blank.util';

describe('blank clears', () => {
  it.each([[null], [undefined], [''], [' '], ['   '], ['\t\n ']])('%j is blank', (value) => {
    expect(isBlank(value)).toBe(true);
    expect(blankToNull(value)).toBeNull();
  });

  it.each([['a'], [' a '], ['0'], ['false']])('%j is not blank and is kept as sent', (value) => {
    expect(isBlank(value)).toBe(false);
    expect(blankToNull(value)).toBe(value);
  });

  it('a value that is not text is not blank, and is no text to store either', () => {
    for (const value of [0, false, {}, []]) {
      expect(isBlank(value)).toBe(false);
      expect(blankToNull(value)).toBeNull();
    }
  });
});
