import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from './domain.errors';
import type { KeysetPosition } from './keyset.util';

export const MAX_PAGE_SIZE = 200;

// The swagger plugin reads only *.dto.ts files, so this shared query spells out its docs.
/** `?page=&limit=` (numbered pages) or `?cursor=&limit=` (keyset pages) for every admin list. */
export class PageQuery {
  @ApiPropertyOptional({ description: '1-based page number (numbered paging; ignored with `cursor`).', type: 'integer', minimum: 1, default: 1, example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({
    description: `Items per page, at most ${MAX_PAGE_SIZE}.`,
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: 50,
    example: 50,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 50;

  @ApiPropertyOptional({
    description:
      'Keyset paging in id order: empty for the first page, then the `nextCursor` of the previous page. ' +
      'Every page costs the same however deep it is; the answer has `nextCursor` (null on the last page) instead of `total` and `page`.',
    type: 'string',
    maxLength: 200,
    example: '',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/** A keyset page: no `total` (counting would cost O(roster) on every page) and no page number. */
export interface KeysetPage<T> {
  items: T[];
  limit: number;
  nextCursor: string | null;
}

export const pageOf = <T>(items: T[], total: number, q: PageQuery): Page<T> => ({ items, total, page: q.page, limit: q.limit });

/** Whether the client pages by keyset (sent `cursor`, even empty). */
export const byKeyset = (q: PageQuery): boolean => q.cursor !== undefined;

const CURSOR_VERSION = '1';

/** Where the keyset page starts: undefined for the first page; a cursor we did not issue is 400. */
export function keysetPosition(q: PageQuery): KeysetPosition | undefined {
  if (!q.cursor) return undefined;
  const text = /^[A-Za-z0-9_-]+$/.test(q.cursor) ? Buffer.from(q.cursor, 'base64url').toString('utf8') : '';
  const [version, id, ...rest] = text.split('.');
  if (version !== CURSOR_VERSION || !id || !/^[A-Za-z0-9-]{1,64}$/.test(id) || rest.length) {
    throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API returned; send an empty cursor for the first page');
  }
  return { direction: 'after', id };
}

/** The keyset page's answer: opaque to clients, the cursor is base64url of a version and the last id. */
export const keysetPageOf = <T>(items: T[], lastId: string | undefined, more: boolean, q: PageQuery): KeysetPage<T> => ({
  items,
  limit: q.limit,
  nextCursor: more && lastId ? Buffer.from(`${CURSOR_VERSION}.${lastId}`, 'utf8').toString('base64url') : null,
});
