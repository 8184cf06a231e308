import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { DirectoryState } from '../../directories/directory-states.service';
import { OUTCOMES, type Outcome } from '../provisioning-event.entity';

export const MAX_EVENTS_PAGE = 200;
export const MAX_CSV_ROWS = 10_000;

/** Filters and keyset paging of the provisioning log, newest first. */
export class EventsQuery {
  /** @example "failure" */
  @IsOptional()
  @IsIn(OUTCOMES)
  outcome?: Outcome;

  /** `create`, `update`, `disable`, `enable`, `delete`, `relink`, `adopt`, `members-add`, `members-remove`, `rename`, `lookup`, `get`. @example "create" */
  @IsOptional()
  @IsString()
  @MaxLength(32)
  operation?: string;

  /** The SCIM id of the user or group. @example "2819c223-7f76-453a-919d-413861904646" */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  resourceId?: string;

  /** The person's userName, compared case-insensitively. @example "ada@contoso.com" */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  userName?: string;

  /** Events at or after this time (ISO 8601). @example "2026-11-22T00:00:00.000Z" */
  @IsOptional()
  @IsDateString({ strict: true })
  since?: string;

  /** Events before this time (ISO 8601). @example "2026-11-23T00:00:00.000Z" */
  @IsOptional()
  @IsDateString({ strict: true })
  until?: string;

  /** Events per page (at most 200; a CSV export reads up to 10,000). @example 50 */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CSV_ROWS)
  limit?: number;

  /** `nextCursor` of the previous page. @example "WyIyMDI2LTExLTIyVDA5OjMwOjAwLjEyM1oiLCIwYjVkM2MwZSJd" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  /** `csv` exports the selection as CSV (as `Accept: text/csv` does). @example "csv" */
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

/** One SCIM request that wrote something or failed. No bodies, no values, no secrets. */
export class ProvisioningEventResponse {
  /** @example "0b5d3c0e-5a6c-4f7e-9a53-6c2f0a1d2e3f" */
  id!: string;
  /** @example "6d089ccc-c3b0-4b37-8849-f0ddcb198797" */
  directoryId!: string;
  /** The token the request carried (null if unknown). @example "d1bf374f-e3e9-4ad2-8fc3-68f69bac38c1" */
  tokenId!: string | null;
  /** @example "Default token" */
  tokenName!: string | null;
  /** @example "2026-11-22T09:30:00.123Z" */
  at!: string;
  /** The X-Request-Id of the request (also in the request log). @example "3f2a…" */
  requestId!: string;
  /** @example "POST" */
  method!: string;
  /** @example "/scim/v2/Users" */
  route!: string;
  /** `User` or `Group` (null for discovery routes). @example "User" */
  resourceType!: string | null;
  /** @example "2819c223-7f76-453a-919d-413861904646" */
  resourceId!: string | null;
  /** @example "ada@contoso.com" */
  userName!: string | null;
  /** @example "create" */
  operation!: string;
  /** @example "success" */
  outcome!: Outcome;
  /** @example 201 */
  status!: number;
  /** Null on success. @example "uniqueness" */
  scimType!: string | null;
  /** Null on success. @example "USER_NAME_TAKEN" */
  errorCode!: string | null;
  /** Null on success; quoted values are masked. @example "userName \"…\" is already in use" */
  errorMessage!: string | null;
  /** Names of the attributes the write changed, never their values. @example ["userName","name.givenName","emails"] */
  attributes!: string[];
  /** @example 12 */
  durationMs!: number;
}

export class ProvisioningEventPage {
  items!: ProvisioningEventResponse[];
  /** Pass as `cursor` for the next (older) page; null on the last page. @example "WyIyMDI2LTExLTIyVDA5OjMwOjAwLjEyM1oiLCIwYjVkM2MwZSJd" */
  nextCursor!: string | null;
}

export class WindowCountsResponse {
  /** Logged events (writes and failed requests; successful lookups are not logged). @example 240 */
  requests!: number;
  /** @example 3 */
  failures!: number;
  /** @example 237 */
  successes!: number;
  /** Events per HTTP status. @example {"201": 200, "204": 37, "409": 3} */
  byStatus!: Record<string, number>;
}

export class TopErrorResponse {
  /** @example "USER_NAME_TAKEN" */
  code!: string;
  /** @example 3 */
  count!: number;
  /** @example "userName \"…\" is already in use" */
  sampleMessage!: string | null;
}

export class ExpiringTokenResponse {
  /** @example "d1bf374f-e3e9-4ad2-8fc3-68f69bac38c1" */
  id!: string;
  /** @example "Rotation 2026" */
  name!: string;
  /** @example "2026-12-10T00:00:00.000Z" */
  expiresAt!: string;
}

export class InitialCycleResponse {
  /** The directory's first logged event. @example "2026-11-22T09:00:00.000Z" */
  since!: string;
  /** @example 1800 */
  peopleCreated!: number;
  /** @example 12 */
  groupsCreated!: number;
  /** People and groups created per minute since `since`. @example 120.5 */
  perMinute!: number;
}

export class DirectoryHealthResponse {
  /** @example "6d089ccc-c3b0-4b37-8849-f0ddcb198797" */
  directoryId!: string;
  /** `never-connected`, `idle`, `failing`, `degraded` or `healthy` (rules in the README). @example "healthy" */
  state!: DirectoryState;
  /** @example "2026-11-22T09:30:00.000Z" */
  lastRequestAt!: string | null;
  /** @example "2026-11-22T09:30:00.000Z" */
  lastSuccessAt!: string | null;
  /** @example "2026-11-22T08:10:00.000Z" */
  lastFailureAt!: string | null;
  lastHour!: WindowCountsResponse;
  lastDay!: WindowCountsResponse;
  topErrors!: TopErrorResponse[];
  /** Live tokens that expire within 14 days. */
  expiringTokens!: ExpiringTokenResponse[];
  /** While Entra's initial cycle runs; null otherwise. */
  initialCycle!: InitialCycleResponse | null;
  /** Events this process dropped because its queue was full (database unreachable), since it started. @example 0 */
  droppedEvents!: number;
}
