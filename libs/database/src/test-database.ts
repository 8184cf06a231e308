/**
 * Guards destructive test set-up: a suite may only create, migrate and drop the database a URL
 * names when that name says it is a test database. It checks the URL the suite is about to use
 * (`mysql://…/<name>` or `sqlite:<path>`), so a TEST_MYSQL_URL or a path pointing at real data
 * is refused whatever the suite meant to build.
 */
export function assertTestDatabaseUrl(url: string): void {
  const name = url.startsWith('sqlite:') ? (url.slice('sqlite:'.length).split(/[\\/]/).pop() ?? '') : decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to use database "${name || url}" for tests: its name must contain "test".`);
  }
}
