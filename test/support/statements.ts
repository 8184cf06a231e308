import type { DataSource, QueryRunner } from 'typeorm';

export interface Statement {
  sql: string;
  params: unknown[];
  /** Which query() call (database round trip) of the recording sent it: a batch sends several statements in one. */
  roundTrip: number;
}

/**
 * The statements of one query() call: the app joins a batch with `;\n` (Transactions, batch(),
 * MySQL only) and binds every value, so each `?` is a placeholder and the parameters split by count.
 */
function split(sql: string, params: unknown[], roundTrip: number): Statement[] {
  let at = 0;
  return sql.split(';\n').map((part) => {
    const n = (part.match(/\?/g) ?? []).length;
    const own = params.slice(at, at + n);
    at += n;
    return { sql: part, params: own, roundTrip };
  });
}

/**
 * Records the statements the app sends to the database, with their parameters, by wrapping every
 * query runner the data source hands out: the SQL actually run, not a copy of it, so a test that
 * inspects it (EXPLAIN, counts) fails when a query changes. A batch sent in one round trip is
 * recorded as its statements, each with the number of the round trip that carried it.
 */
export function statementRecorder(dataSource: DataSource): { during(work: () => Promise<unknown>): Promise<Statement[]> } {
  let log: Statement[] | null = null;
  let trips = 0;
  const wrapped = new WeakSet<QueryRunner>();
  const driver = dataSource.driver as unknown as { createQueryRunner(mode?: unknown): QueryRunner };
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode?: unknown) => {
    const runner = create(mode);
    if (!wrapped.has(runner)) {
      wrapped.add(runner);
      const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
      (runner as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
        log?.push(...split(String(args[0]), Array.isArray(args[1]) ? [...(args[1] as unknown[])] : [], trips++));
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
