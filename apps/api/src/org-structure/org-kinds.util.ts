import { EntityManager, EntityTarget } from 'typeorm';
import { notFound } from '../common/domain.errors';
import { Department } from './department.entity';
import { OrgKind } from './org-source-mapping.entity';
import { Role } from './role.entity';
import { Site } from './site.entity';

/** What sites, departments and roles share, keyed by kind. */
export type OrgEntity = Site | Department | Role;

/**
 * The org-kind table, the one place each kind is described: its entity (which names its table),
 * the users column that links a person to one, and the 404 of an unknown id.
 */
export const ORG_KIND_TABLE = {
  site: { entity: Site, userColumn: 'site_id', notFound: 'SITE_NOT_FOUND', label: 'Site' },
  department: { entity: Department, userColumn: 'department_id', notFound: 'DEPARTMENT_NOT_FOUND', label: 'Department' },
  role: { entity: Role, userColumn: 'role_id', notFound: 'ROLE_NOT_FOUND', label: 'Role' },
} as const satisfies Record<OrgKind, { entity: EntityTarget<OrgEntity>; userColumn: string; notFound: string; label: string }>;

/** The entity class of a kind. */
export const orgEntity = (kind: OrgKind): EntityTarget<OrgEntity> => ORG_KIND_TABLE[kind].entity;

/** The users column that links a person to an entity of each kind. */
export type OrgLinkColumn = (typeof ORG_KIND_TABLE)[OrgKind]['userColumn'];
export const userColumn = (kind: OrgKind): OrgLinkColumn => ORG_KIND_TABLE[kind].userColumn;

/** The table of a kind, as its entity names it (for raw SQL). */
export const orgTable = (m: EntityManager, kind: OrgKind): string => m.connection.getMetadata(orgEntity(kind)).tableName;

/** The organisation's entity, or the kind's 404. */
export async function findOrgEntity(m: EntityManager, kind: OrgKind, organizationId: string, id: string): Promise<OrgEntity> {
  const entity = await m.findOneBy(orgEntity(kind), { id, organizationId });
  if (!entity) throw notFound(ORG_KIND_TABLE[kind].notFound, ORG_KIND_TABLE[kind].label, id);
  return entity;
}
