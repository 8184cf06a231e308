/**
 * SQL that is true when the person `alias` is an admin through a group with `grantsAdmin`
 * (issue #4): for as long as they are a member, evaluated at every request, so leaving the group
 * ends the rights at once and nothing is copied onto the person.
 */
export const adminByGroupSql = (alias: string): string =>
  `EXISTS (SELECT 1 FROM group_members gm_admin JOIN \`groups\` g_admin ON g_admin.id = gm_admin.group_id
     WHERE gm_admin.user_id = ${alias}.id AND g_admin.grants_admin = 1)`;

/** SQL that is true when the person `alias` is an admin: set in the app (`is_admin`), or through a group. */
export const effectiveAdminSql = (alias: string): string => `(${alias}.is_admin = 1 OR ${adminByGroupSql(alias)})`;
