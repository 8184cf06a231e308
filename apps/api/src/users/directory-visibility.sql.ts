import type { FindOptionsWhere } from 'typeorm';
import type { DirectoryScope } from '../org-structure/org-structure-sync.service';
import type { User } from './user.entity';

/**
 * Which people a directory can see, written once: the people it manages and has not DELETEd
 * (a DELETEd person is archived and hidden; their history and memberships stay). Users, groups
 * and the SCIM filter maps all use this, so a change to the rule changes every reader.
 */
export const visibleToDirectorySql = (alias: string, directorySql = '?'): string => `${alias}.directory_id = ${directorySql} AND ${alias}.scim_visible = 1`;

/** The same rule as a TypeORM condition (organisation included). */
export const visibleToDirectory = (scope: DirectoryScope): FindOptionsWhere<User> => ({
  organizationId: scope.organizationId,
  directoryId: scope.directoryId,
  scimVisible: true,
});
