import { Transform, Type } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { Trim } from '../../common/trim';

export class CreateOrgEntityDto {
  /** Unique in the organisation, case-insensitively. */
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;
}

export class UpdateOrgEntityDto {
  /** A new name; the directory's value keeps landing on this entity after a rename. */
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;
}

export class SiteAddressDto {
  @IsOptional() @IsString() @MaxLength(255) streetAddress?: string;
  @IsOptional() @IsString() @MaxLength(255) locality?: string;
  @IsOptional() @IsString() @MaxLength(255) region?: string;
  @IsOptional() @IsString() @MaxLength(64) postalCode?: string;
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
    Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value)),
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
  /** Moves the people and the directory mappings to this entity before deleting (a merge). */
  @IsOptional()
  @IsUUID()
  reassignTo?: string;
}

export class OrgEntityResponse {
  id!: string;
  name!: string;
  /** People linked to it, archived people included. */
  userCount!: number;
  createdAt!: string;
  updatedAt!: string;
}

export class SiteResponse extends OrgEntityResponse {
  /** The work address captured when the site was first seen (editable in-app). */
  address!: {
    streetAddress: string | null;
    locality: string | null;
    region: string | null;
    postalCode: string | null;
    country: string | null;
  };
}

export class RoleResponse extends OrgEntityResponse {
  /** Lowest first. @example ["L1", "L2", "L3"] */
  grades!: string[];
}

export class RolePage {
  items!: RoleResponse[];
  total!: number;
  page!: number;
  limit!: number;
}

export class SitePage {
  items!: SiteResponse[];
  total!: number;
  page!: number;
  limit!: number;
}

export class OrgEntityPage {
  items!: OrgEntityResponse[];
  total!: number;
  page!: number;
  limit!: number;
}
