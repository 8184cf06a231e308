import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../common/domain.errors';
import { DirectoryToken } from '../directories/directory-token.entity';
import { ProvisioningEvent } from './provisioning-event.entity';
import { EventsQuery, MAX_CSV_ROWS, MAX_EVENTS_PAGE, ProvisioningEventResponse } from './dto/provisioning-log.dto';

export interface EventsPage {
  items: ProvisioningEventResponse[];
  nextCursor: string | null;
}

/** Whose events: one directory's, or one person's (as a User resource of any directory). */
export type EventScope = { organizationId: string; directoryId: string } | { organizationId: string; userId: string };

/** Reads the provisioning log: filters, keyset paging newest first (cursor = (at, id)), CSV. */
@Injectable()
export class ProvisioningEventsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(scope: EventScope, q: EventsQuery, csv: boolean): Promise<EventsPage> {
    const limit = Math.min(q.limit ?? (csv ? MAX_CSV_ROWS : 50), csv ? MAX_CSV_ROWS : MAX_EVENTS_PAGE);
    const qb = this.selection(scope, q);
    if (q.cursor) {
      const { at, id } = decodeCursor(q.cursor);
      qb.andWhere(new Brackets((w) => w.where('e.at < :cAt', { cAt: at }).orWhere('e.at = :cAt AND e.id < :cId', { cAt: at, cId: id })));
    }
    const rows = await qb
      .orderBy('e.at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(limit + 1)
      .getMany();
    const more = rows.length > limit;
    const events = more ? rows.slice(0, limit) : rows;
    const last = events[events.length - 1];
    return { items: await this.withTokenNames(events), nextCursor: more && last ? encodeCursor(last) : null };
  }

  private selection(scope: EventScope, q: EventsQuery): SelectQueryBuilder<ProvisioningEvent> {
    const qb = this.dataSource.getRepository(ProvisioningEvent).createQueryBuilder('e').where('e.organization_id = :org', { org: scope.organizationId });
    if ('directoryId' in scope) qb.andWhere('e.directory_id = :dir', { dir: scope.directoryId });
    else qb.andWhere("e.resource_id = :rid AND e.resource_type = 'User'", { rid: scope.userId });
    if (q.outcome) qb.andWhere('e.outcome = :outcome', { outcome: q.outcome });
    if (q.operation) qb.andWhere('e.operation = :operation', { operation: q.operation });
    if (q.resourceId) qb.andWhere('e.resource_id = :resourceId', { resourceId: q.resourceId });
    if (q.userName) qb.andWhere('LOWER(e.user_name) = LOWER(:userName)', { userName: q.userName });
    if (q.since) qb.andWhere('e.at >= :since', { since: new Date(q.since) });
    if (q.until) qb.andWhere('e.at < :until', { until: new Date(q.until) });
    return qb;
  }

  private async withTokenNames(events: ProvisioningEvent[]): Promise<ProvisioningEventResponse[]> {
    const ids = [...new Set(events.flatMap((e) => (e.tokenId ? [e.tokenId] : [])))];
    const tokens = ids.length ? await this.dataSource.getRepository(DirectoryToken).find({ select: { id: true, name: true }, where: { id: In(ids) } }) : [];
    const names = new Map(tokens.map((t) => [t.id, t.name]));
    return events.map((e) => mapEvent(e, e.tokenId ? (names.get(e.tokenId) ?? null) : null));
  }
}

export function mapEvent(e: ProvisioningEvent, tokenName: string | null): ProvisioningEventResponse {
  return {
    id: e.id,
    directoryId: e.directoryId,
    tokenId: e.tokenId,
    tokenName,
    at: e.at.toISOString(),
    requestId: e.requestId,
    method: e.method,
    route: e.route,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    userName: e.userName,
    operation: e.operation,
    outcome: e.outcome,
    status: e.status,
    scimType: e.scimType,
    errorCode: e.errorCode,
    errorMessage: e.errorMessage,
    attributes: e.attributes ? e.attributes.split(',') : [],
    durationMs: e.durationMs,
  };
}

/** The cursor is opaque to clients: base64url of the last event's time and id. */
const encodeCursor = (e: ProvisioningEvent): string => Buffer.from(JSON.stringify([e.at.toISOString(), e.id])).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(at))) return { at: new Date(at), id };
  } catch {
    // falls through to the refusal
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API returned');
}

const CSV_COLUMNS: ReadonlyArray<keyof ProvisioningEventResponse> = [
  'at',
  'id',
  'directoryId',
  'tokenId',
  'tokenName',
  'requestId',
  'method',
  'route',
  'resourceType',
  'resourceId',
  'userName',
  'operation',
  'outcome',
  'status',
  'scimType',
  'errorCode',
  'errorMessage',
  'attributes',
  'durationMs',
];

/** RFC 4180 CSV; a cell starting with = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
export function toCsv(items: ProvisioningEventResponse[]): string {
  const cell = (v: ProvisioningEventResponse[keyof ProvisioningEventResponse]): string => {
    let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [CSV_COLUMNS.join(','), ...items.map((e) => CSV_COLUMNS.map((c) => cell(e[c])).join(','))].join('\r\n') + '\r\n';
}
