import type { DatabaseConfig } from '@app/config';
import { assertTestDatabase, assertTestDatabaseUrl } from './test-database';

const limits = { migrationsRun: true, logging: false, queryTimeoutMs: 1_500 } as const;
const mysql = (url: string): DatabaseConfig => ({ type: 'mysql', url, poolSize: 10, ...limits });
const sqlite = (path: string): DatabaseConfig => ({ type: 'sqlite', path, ...limits });

describe('assertTestDatabaseUrl', () => {
  it.each(['mysql://root@127.0.0.1:3306/e2e_test_ab12', 'mysql://u:p@db:3306/TEST', 'sqlite:/tmp/x/e2e_test_1.sqlite', 'sqlite:./data/test.sqlite'])(
    'accepts %s',
    (url) => expect(() => assertTestDatabaseUrl(url)).not.toThrow(),
  );

  it.each([
    'mysql://root@127.0.0.1:3306/app',
    'mysql://root@127.0.0.1:3306/production',
    'mysql://root@127.0.0.1:3306/',
    'sqlite:./data/app.sqlite',
    'sqlite:/srv/test-data/app.sqlite',
  ])('refuses %s (the database itself is not named as a test one)', (url) => expect(() => assertTestDatabaseUrl(url)).toThrow(/must contain "test"/));
});

describe('assertTestDatabase (the configuration a test app is booted with)', () => {
  it('refuses the production-looking MySQL database and the default SQLite file', () => {
    expect(() => assertTestDatabase(mysql('mysql://root@127.0.0.1:3306/app'))).toThrow(/Refusing to use database "app"/);
    expect(() => assertTestDatabase(sqlite('./data/app.sqlite'))).toThrow(/Refusing to use database "app.sqlite"/);
  });

  it('accepts databases named as test ones', () => {
    expect(() => assertTestDatabase(mysql('mysql://root@127.0.0.1:3306/e2e_test_1a2b'))).not.toThrow();
    expect(() => assertTestDatabase(sqlite('/tmp/api-test-x/e2e_test_1a2b.sqlite'))).not.toThrow();
  });
});
