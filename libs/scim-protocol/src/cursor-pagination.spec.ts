import { ScimError } from './errors';
import { decodeCursor, encodeCursor, pageCursors, parseListPaging } from './cursor-pagination';

const options = { defaultCount: 100, maxCount: 200 };
const ID = '0b9f6c1e-5c43-4d0e-9a53-1f7f1c2a9e10';

const scimTypeOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (err) {
    if (err instanceof ScimError) return err.scimType;
    throw err;
  }
  return 'no error';
};

describe('parseListPaging', () => {
  it.each<[Record<string, unknown>, unknown]>([
    [{}, { method: 'index', startIndex: 1, count: 100, offset: 0 }],
    [
      { startIndex: '3', count: '2' },
      { method: 'index', startIndex: 3, count: 2, offset: 2 },
    ],
    [{ cursor: '' }, { method: 'cursor', count: 100, position: undefined }],
    [
      { cursor: '', count: '5' },
      { method: 'cursor', count: 5, position: undefined },
    ],
    [
      { cursor: '', count: '100000' },
      { method: 'cursor', count: 200, position: undefined },
    ],
    [
      { cursor: encodeCursor({ direction: 'after', id: ID }), count: '0' },
      { method: 'cursor', count: 0, position: { direction: 'after', id: ID } },
    ],
    [{ cursor: encodeCursor({ direction: 'before', id: ID }) }, { method: 'cursor', count: 100, position: { direction: 'before', id: ID } }],
  ])('%j', (query, expected) => {
    expect(parseListPaging(query, options)).toEqual(expected);
  });

  it('refuses cursor and startIndex together', () => {
    expect(scimTypeOf(() => parseListPaging({ cursor: '', startIndex: '1' }, options))).toBe('invalidValue');
  });

  it.each([
    'not a cursor!',
    'x',
    Buffer.from(`2.a.${ID}`).toString('base64url'), // another version
    Buffer.from(`1.z.${ID}`).toString('base64url'),
    Buffer.from('1.a.').toString('base64url'),
    Buffer.from(`1.a.${ID}.extra`).toString('base64url'),
    Buffer.from("1.a.x' OR 1=1").toString('base64url'),
    'A'.repeat(500),
  ])('refuses the cursor %s as invalidCursor', (cursor) => {
    expect(scimTypeOf(() => parseListPaging({ cursor }, options))).toBe('invalidCursor');
    expect(() => decodeCursor(cursor)).toThrow(ScimError);
  });

  it('round-trips a position through the opaque form', () => {
    const cursor = encodeCursor({ direction: 'after', id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(ID);
    expect(decodeCursor(cursor)).toEqual({ direction: 'after', id: ID });
  });
});

describe('pageCursors', () => {
  const after = (id: string) => encodeCursor({ direction: 'after', id });
  const before = (id: string) => encodeCursor({ direction: 'before', id });

  it.each<[string, Parameters<typeof pageCursors>, ReturnType<typeof pageCursors>]>([
    ['first page, more to come', [undefined, ['a', 'b'], true], { nextCursor: after('b') }],
    ['first page is the only page', [undefined, ['a', 'b'], false], {}],
    ['empty list', [undefined, [], false], {}],
    ['a middle page read forward', [{ direction: 'after', id: 'a' }, ['b', 'c'], true], { nextCursor: after('c'), previousCursor: before('b') }],
    ['the last page read forward', [{ direction: 'after', id: 'a' }, ['b'], false], { previousCursor: before('b') }],
    ['past the end', [{ direction: 'after', id: 'z' }, [], false], { previousCursor: before('z') }],
    ['a middle page read backward', [{ direction: 'before', id: 'd' }, ['b', 'c'], true], { nextCursor: after('c'), previousCursor: before('b') }],
    ['the first page read backward', [{ direction: 'before', id: 'd' }, ['a', 'b'], false], { nextCursor: after('b') }],
    ['before the start', [{ direction: 'before', id: 'a' }, [], false], { nextCursor: after('a') }],
  ])('%s', (_, args, expected) => {
    expect(pageCursors(...args)).toEqual(expected);
  });
});
