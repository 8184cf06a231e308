import { Column, ColumnOptions, PrimaryColumn } from 'typeorm';

/** Shared column shapes, so entities and migrations use identical types on both engines. */
export const ID_LENGTH = 36;

export const IdColumn = (): PropertyDecorator => PrimaryColumn({ type: 'varchar', length: ID_LENGTH });

export const RefColumn = (name: string, options: Partial<ColumnOptions> = {}): PropertyDecorator =>
  Column({ name, type: 'varchar', length: ID_LENGTH, ...options });

/** Millisecond timestamps, always UTC, set by the application (no engine-specific defaults). */
export const TimestampColumn = (name: string, options: Partial<ColumnOptions> = {}): PropertyDecorator =>
  Column({ name, type: 'datetime', precision: 3, ...options });
