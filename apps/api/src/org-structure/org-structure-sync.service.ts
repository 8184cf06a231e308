import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { dateParam, isSqlite, isUniqueViolation, normalizedKey } from '@app/database';
import { orgTable } from './org-kinds.util';
import { OrgKind } from './org-source-mapping.entity';

export interface SiteAddress {
  streetAddress?: string | null;
  locality?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

export interface DirectoryScope {
  organizationId: string;
  directoryId: string;
}

/**
 * Sites, departments and roles are created the first time a directory mentions them and then
 * belong to the app. A directory value reaches its entity through OrgSourceMapping, so an in-app
 * rename keeps catching the old value. Concurrent first mentions converge on one row through the
 * unique keys: the loser of an insert race re-reads the winner's row with a locking read (which,
 * unlike a plain read under REPEATABLE READ, sees rows committed after our snapshot). The read is
 * a SHARED lock: the failed insert already holds one on that key, and two losers upgrading to
 * exclusive locks would deadlock each other.
 */
/** A row of the mappings query: which entity a directory's value (kind, normalised key) maps to. */
export type MappingRow = { kind: OrgKind; source_key: string; entity_id: string };

export interface OrgMention {
  kind: OrgKind;
  value: string;
  address?: SiteAddress;
}

@Injectable()
export class OrgStructureSyncService {
  /**
   * Entity ids for several mentions at once (in order). Values this directory has sent before
   * cost one query together; only first sights go on to find or create the entity.
   */
  async resolveAll(m: EntityManager, scope: DirectoryScope, mentions: OrgMention[], mapped?: MappingRow[]): Promise<string[]> {
    if (mentions.length === 0) return [];
    const keys = mentions.map((x) => normalizedKey(x.value));
    const query = this.mappingsStatement(scope, mentions);
    const rows: MappingRow[] = mapped ?? (query ? await m.query(query.sql, query.params) : []);
    const ids: string[] = [];
    for (const [i, mention] of mentions.entries()) {
      const mapped = rows.find((r) => r.kind === mention.kind && r.source_key === keys[i]);
      ids.push(mapped ? mapped.entity_id : await this.resolveNew(m, scope, mention, keys[i]));
    }
    return ids;
  }

  /**
   * The query resolveAll starts with (this directory's mappings of the mentioned values), for a
   * caller that sends it in a batch with its own and hands resolveAll the rows; null for no mentions.
   */
  mappingsStatement(scope: DirectoryScope, mentions: OrgMention[]): { sql: string; params: unknown[] } | null {
    if (mentions.length === 0) return null;
    return {
      sql: `SELECT kind, source_key, entity_id FROM org_source_mappings WHERE directory_id = ? AND (${mentions.map(() => '(kind = ? AND source_key = ?)').join(' OR ')})`,
      params: [scope.directoryId, ...mentions.flatMap((x) => [x.kind, normalizedKey(x.value)])],
    };
  }

  /** The id of the entity `value` maps to for this directory, creating entity and mapping on first sight. */
  async resolve(m: EntityManager, scope: DirectoryScope, kind: OrgKind, value: string, address?: SiteAddress): Promise<string> {
    return (await this.resolveAll(m, scope, [{ kind, value, address }]))[0];
  }

  private async resolveNew(m: EntityManager, scope: DirectoryScope, { kind, value, address }: OrgMention, sourceKey: string): Promise<string> {
    const entityId = await this.findOrCreateEntity(m, scope.organizationId, kind, value.trim(), address);
    try {
      await m.query(
        'INSERT INTO org_source_mappings (id, organization_id, directory_id, kind, source_key, entity_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [randomUUID(), scope.organizationId, scope.directoryId, kind, sourceKey, entityId, dateParam(m.dataSource, new Date())],
      );
      return entityId;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Another transaction mapped this value first: use its mapping (a locking read sees it).
      const rows: Array<{ entity_id: string }> = await m.query(
        `SELECT entity_id FROM org_source_mappings WHERE directory_id = ? AND kind = ? AND source_key = ?${this.shareLock(m)}`,
        [scope.directoryId, kind, sourceKey],
      );
      if (!rows[0]) throw err;
      return rows[0].entity_id;
    }
  }

  private async findOrCreateEntity(m: EntityManager, organizationId: string, kind: OrgKind, name: string, address?: SiteAddress): Promise<string> {
    const table = orgTable(m, kind);
    const nameKey = normalizedKey(name);
    const find = async (lock: boolean): Promise<string | undefined> => {
      const rows: Array<{ id: string }> = await m.query(`SELECT id FROM ${table} WHERE organization_id = ? AND name_key = ?${lock ? this.shareLock(m) : ''}`, [
        organizationId,
        nameKey,
      ]);
      return rows[0]?.id;
    };
    const existing = await find(false);
    if (existing) return existing;
    const id = randomUUID();
    const now = dateParam(m.dataSource, new Date());
    try {
      if (kind === 'site') {
        await m.query(
          `INSERT INTO sites (id, organization_id, name, name_key, street_address, locality, region, postal_code, country, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            organizationId,
            name,
            nameKey,
            address?.streetAddress ?? null,
            address?.locality ?? null,
            address?.region ?? null,
            address?.postalCode ?? null,
            address?.country ?? null,
            now,
            now,
          ],
        );
      } else {
        await m.query(`INSERT INTO ${table} (id, organization_id, name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, [
          id,
          organizationId,
          name,
          nameKey,
          now,
          now,
        ]);
      }
      return id;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const winner = await find(true);
      if (!winner) throw err;
      return winner;
    }
  }

  /** SQLite has no row locks (one writer at a time) and no locking-read syntax. */
  private shareLock(m: EntityManager): string {
    return isSqlite(m.dataSource) ? '' : ' LOCK IN SHARE MODE';
  }
}
