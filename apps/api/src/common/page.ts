import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 200;

// The swagger plugin reads only *.dto.ts files, so this shared query spells out its docs.
/** `?page=&limit=` for every admin list. */
export class PageQuery {
  @ApiPropertyOptional({ description: '1-based page number.', type: 'integer', minimum: 1, default: 1, example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ description: `Items per page, at most ${MAX_PAGE_SIZE}.`, type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 50;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export const pageOf = <T>(items: T[], total: number, q: PageQuery): Page<T> => ({ items, total, page: q.page, limit: q.limit });
