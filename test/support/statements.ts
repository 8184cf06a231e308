import type { DataSource, QueryRunner } from 'typeorm';

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Records the statements the app sends to the database, with their parameters, by wrapping every
 * query runner the data source hands out: the SQL actually run, not a copy of it, so a test that
 * inspects it (EXPLAIN, counts) fails when a query changes.
 */
export function statementRecorder(dataSource: DataSource): { during(work: () => Promise<unknown>): Promise<Statement[]> } {
  let log: Statement[] | null = null;
  const wrapped = new WeakSet<QueryRunner>();
  const driver = dataSource.driver as unknown as { createQueryRunner(mode?: unknown): QueryRunner };
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode?: unknown) => {
    const runner = create(mode);
    if (!wrapped.has(runner)) {
      wrapped.add(runner);
      const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
      (runner as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
        log?.push({ sql: String(args[0]), params: Array.isArray(args[1]) ? [...(args[1] as unknown[])] : [] });
        return query(...args);
      };
    }
    return runner;
  };
  return {
    async during(work) {
      log = [];
      try {
        await work();
        return log;
      } finally {
        log = null;
      }
    },
  };
}
