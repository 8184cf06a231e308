export * from './data-source-options';
export * from './normalized-key';
export * from './test-database';
export * from './sql-values';
export * from './transactions';
export * from './database.module';
export * from './db-errors';
export * from './fast-insert';
