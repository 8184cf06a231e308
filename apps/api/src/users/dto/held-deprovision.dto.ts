import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';

/** Which held people a decision is about; no `userIds` (an empty body) means all of them. */
export class HeldDeprovisionDecisionDto {
  /** Person ids (as listed by GET …/held-deprovisions). Omit for all. @example ["3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b"] */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  userIds?: string[];
}

/** A person whose deactivation or deletion the mass-deprovisioning guard holds. */
export class HeldDeprovisionResponse {
  /** The person id (also their SCIM id). @example "3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b" */
  userId!: string;
  /** @example "ada@contoso.com" */
  userName!: string | null;
  /** @example "Ada Lovelace" */
  displayName!: string | null;
  /** What the directory asked: `deactivated` (`active` false) or `deleted` (DELETE). @example "deactivated" */
  reason!: 'deactivated' | 'deleted';
  /** When the directory asked. @example "2026-11-23T17:05:00.000Z" */
  requestedAt!: string | null;
  /** The SCIM request that asked (its request id in the provisioning log). @example "req-1a2b" */
  requestId!: string | null;
}

export class HeldDeprovisionPage {
  items!: HeldDeprovisionResponse[];
  /** Held people in all pages (numbered paging only). @example 42 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}

/** What a decision did. */
export class HeldDeprovisionDecisionResponse {
  /** `approve` (archived) or `reject` (kept, access back). @example "approve" */
  decision!: 'approve' | 'reject';
  /** The people decided (those of `userIds` the guard held). @example ["3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b"] */
  userIds!: string[];
  /** @example 1 */
  count!: number;
}
