import { entraBoolean } from './entra-boolean.util';

describe('entraBoolean', () => {
  it.each([
    [true, true],
    [false, false],
    ['True', true],
    ['False', false],
    ['true', true],
    ['FALSE', false],
    [' True ', true],
    ['\tfalse\n', false],
  ])('%j → %j', (value, expected) => {
    expect(entraBoolean(value)).toBe(expected);
  });

  it.each([['yes'], ['1'], ['0'], [''], ['   '], ['Truee'], ['t rue'], [1], [0], [null], [undefined], [{}], [['True']]])('%j is no boolean', (value) => {
    expect(entraBoolean(value)).toBeUndefined();
  });
});
