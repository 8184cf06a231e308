import { ScimError } from './errors';
import { parsePagination } from './pagination';

const options = { defaultCount: 100, maxCount: 200 };

describe('parsePagination', () => {
  it.each<[Record<string, unknown>, { startIndex: number; count: number; offset: number }]>([
    [{}, { startIndex: 1, count: 100, offset: 0 }],
    [
      { startIndex: '6', count: '5' },
      { startIndex: 6, count: 5, offset: 5 },
    ],
    [{ startIndex: 0 }, { startIndex: 1, count: 100, offset: 0 }],
    [{ startIndex: '-5' }, { startIndex: 1, count: 100, offset: 0 }],
    [{ count: '-1' }, { startIndex: 1, count: 0, offset: 0 }],
    [{ count: '0' }, { startIndex: 1, count: 0, offset: 0 }],
    [{ count: '100000' }, { startIndex: 1, count: 200, offset: 0 }],
    [
      { startIndex: ['1', '11'], count: '' },
      { startIndex: 11, count: 100, offset: 10 },
    ],
    [{ startIndex: ' 3 ' }, { startIndex: 3, count: 100, offset: 2 }],
  ])('%j', (query, expected) => {
    expect(parsePagination(query, options)).toEqual(expected);
  });

  it.each([{ startIndex: 'abc' }, { count: '1.5' }, { count: {} }, { startIndex: '1e3' }, { count: '99999999999999999999' }])('rejects %j', (query) => {
    expect(() => parsePagination(query, options)).toThrow(ScimError);
    try {
      parsePagination(query, options);
    } catch (err) {
      expect((err as ScimError).scimType).toBe('invalidValue');
    }
  });
});
