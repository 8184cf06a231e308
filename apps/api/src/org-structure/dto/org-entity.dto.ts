import { Transform, Type } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { Trim } from '../../common/trim.decorator';

export class CreateOrgEntityDto {
  /** Unique in the organisation, case-insensitively. @example "Engineering" */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;
}

export class UpdateOrgEntityDto {
  /** A new name; the directory's value keeps landing on this entity after a rename. @example "Platform Engineering" */
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;
}

/** A site's work address; omitted parts stay as they are. */
export class SiteAddressDto {
  /** @example "1 Canada Square" */
  @IsOptional() @IsString() @MaxLength(255) streetAddress?: string;
  /** City or town. @example "London" */
  @IsOptional() @IsString() @MaxLength(255) locality?: string;
  /** State, county or province. @example "Greater London" */
  @IsOptional() @IsString() @MaxLength(255) region?: string;
  /** @example "E14 5AB" */
  @IsOptional() @IsString() @MaxLength(64) postalCode?: string;
  /** Usually an ISO 3166-1 alpha-2 code, as Entra sends it. @example "GB" */
  @IsOptional() @IsString() @MaxLength(255) country?: string;
}

export class CreateSiteDto extends CreateOrgEntityDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => SiteAddressDto)
  address?: SiteAddressDto;
}

export class UpdateSiteDto extends UpdateOrgEntityDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => SiteAddressDto)
  address?: SiteAddressDto;
}

/** A list of up to 50 trimmed, non-blank names of at most 64 characters. */
const GradeList = (): PropertyDecorator =>
  applyDecorators(
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? (value as unknown[]).map((v) => (typeof v === 'string' ? v.trim() : v)) : value)),
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(64, { each: true }),
  );

export class CreateRoleDto extends CreateOrgEntityDto {
  /** The role's grades, lowest first; names unique case-insensitively. @example ["L1", "L2", "L3"] */
  @GradeList()
  grades?: string[];
}

export class UpdateRoleDto extends UpdateOrgEntityDto {
  /** Replaces the grades; people holding a grade no longer listed lose it. @example ["L1", "L2", "L3", "L4"] */
  @GradeList()
  grades?: string[];
}

export class DeleteOrgEntityQuery {
  /** Moves the people and the directory mappings to this entity before deleting (a merge). @example "f3ae653c-f3c8-44f0-841c-484373e26407" */
  @IsOptional()
  @IsUUID()
  reassignTo?: string;
}

/** A site, department or role of the organisation. */
export class OrgEntityResponse {
  /** @example "f3ae653c-f3c8-44f0-841c-484373e26407" */
  id!: string;
  /** @example "Engineering" */
  name!: string;
  /** People linked to it, archived people included. @example 37 */
  userCount!: number;
  /** @example "2026-09-14T08:12:45.000Z" */
  createdAt!: string;
  /** @example "2026-11-22T09:30:00.000Z" */
  updatedAt!: string;
}

/** A site's work address; a part the directory never sent is null. */
export class SiteAddressResponse {
  /** @example "1 Canada Square" */
  streetAddress!: string | null;
  /** City or town. @example "London" */
  locality!: string | null;
  /** State, county or province. @example "Greater London" */
  region!: string | null;
  /** @example "E14 5AB" */
  postalCode!: string | null;
  /** Usually an ISO 3166-1 alpha-2 code, as Entra sends it. @example "GB" */
  country!: string | null;
}

export class SiteResponse extends OrgEntityResponse {
  /** The work address captured when the site was first seen (editable in-app). */
  address!: SiteAddressResponse;
}

export class RoleResponse extends OrgEntityResponse {
  /** Lowest first. @example ["L1", "L2", "L3"] */
  grades!: string[];
}

export class RolePage {
  items!: RoleResponse[];
  /** Roles in all pages (numbered paging only). @example 24 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}

export class SitePage {
  items!: SiteResponse[];
  /** Sites in all pages (numbered paging only). @example 4 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}

export class OrgEntityPage {
  items!: OrgEntityResponse[];
  /** Entries in all pages (numbered paging only). @example 9 */
  total?: number;
  /** Numbered paging only. @example 1 */
  page?: number;
  /** @example 50 */
  limit!: number;
  /** Keyset paging only (`cursor` sent): pass as `cursor` for the next page; null on the last page. @example "MS4wYjlmNmMxZS01YzQzLTRkMGUtOWE1My0xZjdmMWMyYTllMTA" */
  nextCursor?: string | null;
}
