/**
 * Who may hold access (a session, an admin API token, a single sign-on, an invitation to accept):
 * a person who is neither archived nor suspended (a deprovisioning pending, or held by the
 * mass-deprovisioning guard). The one place the rule is written, as SQL for the queries that
 * authenticate (like `effectiveAdminSql` in admin-rights.sql.ts) and as a test of a row already read;
 * archiving or suspending someone also ends what they hold (UsersLifecycle), and this rule keeps
 * anything that raced it from working.
 */
export const mayHoldAccessSql = (alias: string): string => `(${alias}.archived_at IS NULL AND ${alias}.suspended_at IS NULL)`;

/** SQL that is true when the person `alias` may sign in with a credential of their own: they may hold access and are `active` (joined). */
export const maySignInSql = (alias: string): string => `(${mayHoldAccessSql(alias)} AND ${alias}.status = 'active')`;

/** `mayHoldAccessSql`, for a person's row already in memory. */
export const mayHoldAccess = (person: { archivedAt: Date | null; suspendedAt?: Date | null }): boolean => !person.archivedAt && !person.suspendedAt;
