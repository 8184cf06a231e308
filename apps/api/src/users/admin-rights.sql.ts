import { visibleToDirectorySql } from './directory-visibility.sql';

/**
 * SQL that is true when the person `alias` is an admin through a group with `grantsAdmin`
 * (issue #4): for as long as they are a member, evaluated at every request, so leaving the group
 * ends the rights at once and nothing is copied onto the person.
 *
 * Only members the group's directory can see count (issue #9), the same rule as the member
 * lists (`visibleToDirectorySql`): the person is still managed by that directory and not DELETEd by it.
 * A membership row that outlived the person's link (a DELETE, an unlink) grants nothing.
 */
export const adminByGroupSql = (alias: string): string =>
  `EXISTS (SELECT 1 FROM group_members gm_admin JOIN \`groups\` g_admin ON g_admin.id = gm_admin.group_id
     WHERE gm_admin.user_id = ${alias}.id AND g_admin.grants_admin = 1 AND ${visibleToDirectorySql(alias, 'g_admin.directory_id')})`;

/** SQL that is true when the person `alias` is an admin: set in the app (`is_admin`), or through a group. */
export const effectiveAdminSql = (alias: string): string => `(${alias}.is_admin = 1 OR ${adminByGroupSql(alias)})`;
