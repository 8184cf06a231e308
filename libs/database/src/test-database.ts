import type { DatabaseConfig } from '@app/config';

/**
 * Guards test set-up: a test may only boot an app (or run a destructive step) on a database
 * whose name says it is a test database. It checks the URL the app is actually given
 * (`mysql://…/<name>` or `sqlite:<path>`), so an override, a TEST_MYSQL_URL or a DATABASE_URL
 * pointing at real data is refused whatever the suite meant to build.
 */
export function assertTestDatabaseUrl(url: string): void {
  const name = url.startsWith('sqlite:')
    ? (url.slice('sqlite:'.length).split(/[\\/]/).pop() ?? '')
    : decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to use database "${name || url}" for tests: its name must contain "test".`);
  }
}

/** The DATABASE_URL a database configuration stands for (the inverse of loadConfig's parsing). */
export function databaseUrlOf(config: DatabaseConfig): string {
  return config.type === 'sqlite' ? `sqlite:${config.path}` : config.url;
}

/** assertTestDatabaseUrl for the configuration an in-process test app is booted with. */
export function assertTestDatabase(config: DatabaseConfig): void {
  assertTestDatabaseUrl(databaseUrlOf(config));
}
