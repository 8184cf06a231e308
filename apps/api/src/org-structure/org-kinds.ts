import { EntityManager, EntityTarget } from 'typeorm';
import { notFound } from '../common/domain-error';
import { Department } from './department.entity';
import { OrgKind } from './org-source-mapping.entity';
import { Role } from './role.entity';
import { Site } from './site.entity';

/** What sites, departments and roles share, keyed by kind. */
export type OrgEntity = Site | Department | Role;

export const ORG_ENTITY: Record<OrgKind, EntityTarget<OrgEntity>> = { site: Site, department: Department, role: Role };

/** The users column that links a person to an entity of each kind. */
export const USER_COLUMN = { site: 'site_id', department: 'department_id', role: 'role_id' } as const satisfies Record<OrgKind, string>;

const NOT_FOUND = { site: 'SITE_NOT_FOUND', department: 'DEPARTMENT_NOT_FOUND', role: 'ROLE_NOT_FOUND' } as const;
const LABEL: Record<OrgKind, string> = { site: 'Site', department: 'Department', role: 'Role' };

/** The organisation's entity, or the kind's 404. */
export async function findOrgEntity(m: EntityManager, kind: OrgKind, organizationId: string, id: string): Promise<OrgEntity> {
  const entity = await m.findOneBy(ORG_ENTITY[kind], { id, organizationId });
  if (!entity) throw notFound(NOT_FOUND[kind], LABEL[kind], id);
  return entity;
}
