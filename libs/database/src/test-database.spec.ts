import { assertTestDatabaseUrl } from './test-database';

describe('assertTestDatabaseUrl', () => {
  it.each(['mysql://root@127.0.0.1:3306/e2e_test_ab12', 'mysql://u:p@db:3306/TEST', 'sqlite:/tmp/x/e2e_test_1.sqlite', 'sqlite:./data/test.sqlite'])(
    'accepts %s',
    (url) => expect(() => assertTestDatabaseUrl(url)).not.toThrow(),
  );

  it.each(['mysql://root@127.0.0.1:3306/production', 'mysql://root@127.0.0.1:3306/', 'sqlite:./data/app.sqlite', 'sqlite:/srv/test-data/app.sqlite'])(
    'refuses %s (the database itself is not named as a test one)',
    (url) => expect(() => assertTestDatabaseUrl(url)).toThrow(/must contain "test"/),
  );
});
