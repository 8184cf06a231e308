import { Column, ColumnOptions, PrimaryColumn } from 'typeorm';

/** Shared column shapes, so entities and migrations use identical types on both engines. */
export const ID_LENGTH = 36;

export const IdColumn = (): PropertyDecorator => PrimaryColumn({ type: 'varchar', length: ID_LENGTH });

export const RefColumn = (name: string, options: Partial<ColumnOptions> = {}): PropertyDecorator =>
  Column({ name, type: 'varchar', length: ID_LENGTH, ...options });

/** Millisecond timestamps, always UTC, set by the application (no engine-specific defaults). */
export const TimestampColumn = (name: string, options: Partial<ColumnOptions> = {}): PropertyDecorator =>
  Column({ name, type: 'datetime', precision: 3, ...options });

/**
 * A SHA-256 hex digest (64 characters): what a row keeps of a secret token, code or client
 * secret (auth/secret-token.util.ts `hashToken`), and of the other values looked up by hash.
 */
export const HashColumn = (name: string, options: Partial<ColumnOptions> = {}): PropertyDecorator => Column({ name, type: 'varchar', length: 64, ...options });

/** The first characters of a secret (auth/secret-token.util.ts `issueToken`), safe to show so admins can tell secrets apart. */
export const SecretPrefixColumn = (name: string): PropertyDecorator => Column({ name, type: 'varchar', length: 16 });
