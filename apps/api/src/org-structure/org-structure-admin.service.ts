import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isUniqueViolation, normalizedKey, Transactions } from '@app/database';
import { DomainError } from '../common/domain.errors';
import { findOrgEntity, OrgEntity, orgEntity, userColumn } from './org-kinds.util';
import { OrgKind } from './org-source-mapping.entity';
import { SiteAddress } from './org-structure-sync.service';
import { UserLinks } from './user-links.service';
import type { Role } from './role.entity';
import type { Site } from './site.entity';

export interface OrgEntityChanges {
  name?: string;
  /** Sites only. */
  address?: SiteAddress;
  /** Roles only: replaces the list. */
  grades?: string[];
}

/**
 * Sites, departments and roles as the app owns them. The directory's source mappings make the
 * app and the directory agree: a rename keeps the mapping (the directory's old value keeps landing
 * on the renamed entity); a delete with `reassignTo` moves people and mappings (a merge); a plain
 * delete unlinks people and forgets the mappings, so the next mention creates the entity afresh.
 */
@Injectable()
export class OrgStructureAdminService {
  constructor(
    private readonly tx: Transactions,
    private readonly people: UserLinks,
  ) {}

  async create(organizationId: string, kind: OrgKind, changes: Required<Pick<OrgEntityChanges, 'name'>> & OrgEntityChanges): Promise<OrgEntity> {
    return this.tx.run(async (m) => {
      const now = new Date();
      const entity = m.create(orgEntity(kind), {
        id: randomUUID(),
        organizationId,
        name: changes.name,
        nameKey: normalizedKey(changes.name),
        ...(kind === 'site' ? addressColumns(changes.address ?? {}) : {}),
        ...(kind === 'role' ? { grades: gradeList(changes.grades ?? []) } : {}),
        createdAt: now,
        updatedAt: now,
      });
      await this.save(kind, () => m.insert(orgEntity(kind), entity), changes.name);
      return entity;
    });
  }

  async update(organizationId: string, kind: OrgKind, id: string, changes: OrgEntityChanges): Promise<OrgEntity> {
    return this.tx.run(async (m) => {
      const entity = await findOrgEntity(m, kind, organizationId, id);
      if (changes.name !== undefined) Object.assign(entity, { name: changes.name, nameKey: normalizedKey(changes.name) });
      if (kind === 'site' && changes.address) Object.assign(entity, addressColumns(changes.address));
      if (kind === 'role' && changes.grades) {
        const grades = gradeList(changes.grades);
        Object.assign(entity, { grades });
        await this.people.writer.dropGradesNotIn(m, organizationId, id, grades);
      }
      entity.updatedAt = new Date();
      const { id: _id, organization: _o, ...columns } = entity;
      await this.save(kind, () => m.update(orgEntity(kind), { id }, columns), changes.name ?? entity.name);
      return entity;
    });
  }

  async remove(organizationId: string, kind: OrgKind, id: string, reassignTo?: string): Promise<void> {
    await this.tx.run(async (m) => {
      await findOrgEntity(m, kind, organizationId, id);
      const column = userColumn(kind);
      if (reassignTo !== undefined) {
        if (reassignTo === id) throw new DomainError('INVALID_REASSIGN', `A ${kind} cannot be merged into itself`);
        const target = await findOrgEntity(m, kind, organizationId, reassignTo);
        if (kind === 'role') await this.people.writer.dropGradesNotIn(m, organizationId, id, (target as Role).grades);
        await this.people.writer.moveOrgLink(m, organizationId, column, id, reassignTo);
        await m.query('UPDATE org_source_mappings SET entity_id = ? WHERE organization_id = ? AND kind = ? AND entity_id = ?', [
          reassignTo,
          organizationId,
          kind,
          id,
        ]);
      } else {
        if (kind === 'role') await this.people.writer.dropGradesNotIn(m, organizationId, id, []);
        await this.people.writer.moveOrgLink(m, organizationId, column, id, null);
        await m.query('DELETE FROM org_source_mappings WHERE organization_id = ? AND kind = ? AND entity_id = ?', [organizationId, kind, id]);
      }
      await m.delete(orgEntity(kind), { id, organizationId });
    });
  }

  private async save(kind: OrgKind, write: () => Promise<unknown>, name: string): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError('ORG_NAME_TAKEN', `A ${kind} named "${name}" already exists`);
      throw err;
    }
  }
}

/** Grades as given, without case-insensitive duplicates (the first spelling wins). */
function gradeList(grades: string[]): string[] {
  const seen = new Set<string>();
  return grades.filter((g) => {
    const key = normalizedKey(g);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function addressColumns(a: SiteAddress): Partial<Site> {
  return {
    ...(a.streetAddress !== undefined ? { streetAddress: a.streetAddress } : {}),
    ...(a.locality !== undefined ? { locality: a.locality } : {}),
    ...(a.region !== undefined ? { region: a.region } : {}),
    ...(a.postalCode !== undefined ? { postalCode: a.postalCode } : {}),
    ...(a.country !== undefined ? { country: a.country } : {}),
  };
}
