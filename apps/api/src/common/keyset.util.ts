import { FindOptionsOrder, FindOptionsWhere, MoreThan, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';

/** Where a keyset page starts: after the id of the previous page's last row, or before the next page's first. */
export interface KeysetPosition {
  direction: 'after' | 'before';
  id: string;
}

/**
 * One page in id order, by keyset: `id > last` (or `< first`, read backwards and turned around),
 * never OFFSET, so page 2,000 costs what page 1 costs. Reads one row more than the page to know
 * whether there is a further page in the direction read. `id` is the primary key everywhere, so
 * the order is total and every list's index ends in it.
 */
export async function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  position: KeysetPosition | undefined,
  count: number,
): Promise<{ rows: T[]; more: boolean }> {
  const alias = qb.alias;
  const backward = position?.direction === 'before';
  if (position) qb.andWhere(`${alias}.id ${backward ? '<' : '>'} :keysetId`, { keysetId: position.id });
  const found = await qb
    .orderBy(`${alias}.id`, backward ? 'DESC' : 'ASC')
    .limit(count + 1)
    .getMany();
  const more = found.length > count;
  const rows = found.slice(0, count);
  return { rows: backward ? rows.reverse() : rows, more };
}

/**
 * Raw SQL with `?` placeholders (the SCIM filter compiler's output, a visibility rule) as the
 * named parameters a QueryBuilder takes. Every value is bound, so no `?` is a literal.
 */
export function namedParameters(sql: string, params: readonly unknown[], prefix: string): { sql: string; params: Record<string, unknown> } {
  const named: Record<string, unknown> = {};
  let index = 0;
  const text = sql.replace(/\?/g, () => {
    const name = `${prefix}${index}`;
    named[name] = params[index++];
    return `:${name}`;
  });
  if (index !== params.length) throw new Error('Placeholder count does not match the parameters');
  return { sql: text, params: named };
}

/**
 * keysetPage for a plain `find` (no joins): the rows of `where` after `position.id`, in id order,
 * one more than the page to know whether another follows.
 */
export async function findKeysetPage<T extends { id: string }>(
  repository: Repository<T>,
  where: FindOptionsWhere<T>,
  position: KeysetPosition | undefined,
  count: number,
): Promise<{ rows: T[]; more: boolean }> {
  const condition = position ? { ...where, id: MoreThan(position.id) } : where;
  const found = await repository.find({ where: condition, order: { id: 'ASC' } as FindOptionsOrder<T>, take: count + 1 });
  return { rows: found.slice(0, count), more: found.length > count };
}
