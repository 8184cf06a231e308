/**
 * Guards destructive test set-up: a suite may only create, migrate and drop a database whose
 * name says it is a test database.
 */
export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to use database "${name}" for tests: its name must contain "test".`);
  }
}
