import { TableColumnOptions } from 'typeorm';

/**
 * Column helpers for migrations. They mirror apps/api/src/common/columns.ts; a migration must
 * never change after it lands, so these helpers must not change either: add new ones instead.
 */
export const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
export const ref = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable });
export const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
export const timestamp = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable });
export const bool = (name: string): TableColumnOptions => ({ name, type: 'boolean' });
export const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });
export const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });
