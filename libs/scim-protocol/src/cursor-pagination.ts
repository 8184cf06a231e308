import { ScimError } from './errors';
import { Pagination, PaginationOptions, parsePagination } from './pagination';

/**
 * RFC 9865 cursor paging. A cursor names a position in id order: the id of the last resource of
 * a page (the next page starts after it) or of the first (the previous page ends before it).
 * It is opaque to clients: base64url of `<version>.<direction>.<id>`. Positions in id order never
 * go stale, so a cursor does not expire (cursorTimeout is a floor, not a promise to refuse later).
 */
export interface CursorPosition {
  direction: 'after' | 'before';
  id: string;
}

export type ListPaging = ({ method: 'index' } & Pagination) | { method: 'cursor'; count: number; position: CursorPosition | undefined };

const CURSOR_VERSION = '1';
/** Ids are UUIDs; anything else in a cursor is not one we issued. */
const ID = /^[A-Za-z0-9-]{1,64}$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${CURSOR_VERSION}.${position.direction === 'after' ? 'a' : 'b'}.${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor names; a cursor we did not issue is 400 `invalidCursor`. */
export function decodeCursor(cursor: string): CursorPosition {
  const text = /^[A-Za-z0-9_-]{1,128}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const [version, direction, id, ...rest] = text.split('.');
  if (version !== CURSOR_VERSION || (direction !== 'a' && direction !== 'b') || id === undefined || !ID.test(id) || rest.length > 0) {
    throw ScimError.invalidCursor('The cursor is not one this server issued; send an empty cursor for the first page, then nextCursor or previousCursor');
  }
  return { direction: direction === 'a' ? 'after' : 'before', id };
}

/**
 * Index paging (RFC 7644 §3.4.2.4) unless the query has a `cursor` parameter (RFC 9865 §2); an
 * empty cursor asks for the first page. Both at once is a 400: the two answers would disagree.
 */
export function parseListPaging(query: { startIndex?: unknown; count?: unknown; cursor?: unknown }, options: PaginationOptions): ListPaging {
  const { count, ...index } = parsePagination(query, options);
  if (query.cursor === undefined) return { method: 'index', count, ...index };
  if (query.startIndex !== undefined) throw ScimError.invalidValue('"cursor" and "startIndex" cannot be used together; choose cursor or index paging');
  if (typeof query.cursor !== 'string') throw ScimError.invalidCursor('"cursor" must be one string');
  return { method: 'cursor', count, position: query.cursor === '' ? undefined : decodeCursor(query.cursor) };
}

/**
 * The cursors of a page read in the direction the request asked for, given whether the read
 * found one more row beyond the page (`more`). Reading forward from a cursor, the previous page
 * exists (the cursor came from one); reading backward, the next page does.
 */
export function pageCursors(position: CursorPosition | undefined, ids: readonly string[], more: boolean): { nextCursor?: string; previousCursor?: string } {
  if (ids.length === 0) {
    // Past either end: the way back is the cursor the client came with, turned around.
    if (!position) return {};
    const back = encodeCursor({ direction: position.direction === 'after' ? 'before' : 'after', id: position.id });
    return position.direction === 'after' ? { previousCursor: back } : { nextCursor: back };
  }
  const first = ids[0];
  const last = ids[ids.length - 1];
  const forward = position?.direction !== 'before';
  const hasNext = forward ? more : true;
  const hasPrevious = forward ? position !== undefined : more;
  return {
    ...(hasNext ? { nextCursor: encodeCursor({ direction: 'after', id: last }) } : {}),
    ...(hasPrevious ? { previousCursor: encodeCursor({ direction: 'before', id: first }) } : {}),
  };
}
