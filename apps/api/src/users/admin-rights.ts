/**
 * SQL that is true when the person `alias` is an admin: set directly in the app (`is_admin`), or
 * granted by a group with `grantsAdmin` for as long as they are a member (issue #4). Evaluated at
 * every request, so leaving the group ends the rights at once; nothing is copied onto the person.
 */
export const effectiveAdminSql = (alias: string): string =>
  `(${alias}.is_admin = 1 OR EXISTS (SELECT 1 FROM group_members gm_admin JOIN \`groups\` g_admin ON g_admin.id = gm_admin.group_id
     WHERE gm_admin.user_id = ${alias}.id AND g_admin.grants_admin = 1))`;

/** SQL that is true when the person `alias` is an admin through a group (and maybe directly too). */
export const groupAdminSql = (alias: string): string =>
  `EXISTS (SELECT 1 FROM group_members gm_admin JOIN \`groups\` g_admin ON g_admin.id = gm_admin.group_id
     WHERE gm_admin.user_id = ${alias}.id AND g_admin.grants_admin = 1)`;
