export * from './data-source-options';
export * from './normalized-key';
export * from './test-database';
export * from './sql-values';
