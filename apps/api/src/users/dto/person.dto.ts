import { IsBoolean, IsEmail, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PartialType } from '@nestjs/swagger';
import { Trim } from '../../common/trim.decorator';
import { IsPlainEmail } from '../email-address.util';

/** A person an admin adds in the app: uninvited, managed by no directory. */
export class CreatePersonRequest {
  /**
   * Their sign-in and invitation address: one plain address (no list, no display name), unique
   * among the organisation's people who are not archived. @example "grace.hopper@contoso.com"
   */
  @Trim()
  @IsEmail()
  @IsPlainEmail()
  @MaxLength(320)
  email!: string;

  /** @example "Grace" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) firstName?: string | null;

  /** @example "Hopper" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) lastName?: string | null;

  /** Defaults to "firstName lastName", else the email. @example "Grace Hopper" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) displayName?: string | null;

  /** @example "Engineering Manager" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) title?: string | null;

  /** A site of the organisation (GET /api/v1/sites). @example "d93c8df6-764c-4339-b356-9b5ccf5ea36e" */
  @IsOptional() @IsUUID() siteId?: string | null;
  /** A department of the organisation (GET /api/v1/departments). @example "f3ae653c-f3c8-44f0-841c-484373e26407" */
  @IsOptional() @IsUUID() departmentId?: string | null;
  /** A role of the organisation (GET /api/v1/roles). @example "0efcb387-ea96-4a09-b4b4-97139f370425" */
  @IsOptional() @IsUUID() roleId?: string | null;
  /** Another person of the organisation. @example "9c6cb534-8348-4ea1-86f7-aa4591d1ebe7" */
  @IsOptional() @IsUUID() managerId?: string | null;

  /** One of the role's grades. @example "L3" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) grade?: string | null;

  /** HR field [enterprise employeeNumber]; a directory owns the HR fields of the people it manages. @example "E-1042" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) employeeNumber?: string | null;
  /** HR field [enterprise costCenter]. @example "CC-200" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) costCenter?: string | null;
  /** HR field [enterprise organization]. @example "Contoso Ltd" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) organization?: string | null;
  /** HR field [enterprise division]. @example "Research" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) division?: string | null;
  /** HR field [userType]. @example "Employee" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) userType?: string | null;
  /** HR field [nickName]. @example "Ada" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) nickName?: string | null;
  /** HR field [name.middleName]. @example "King" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) middleName?: string | null;
  /** HR field [name.honorificPrefix]. @example "Dr." */
  @IsOptional() @Trim() @IsString() @MaxLength(64) honorificPrefix?: string | null;
  /** HR field [name.honorificSuffix]. @example "PhD" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) honorificSuffix?: string | null;
  /** HR field [preferredLanguage]. @example "en-GB" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) preferredLanguage?: string | null;
  /** HR field [locale]. @example "en-GB" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) locale?: string | null;
  /** HR field [timezone]. @example "Europe/London" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) timezone?: string | null;
  /** HR field [phoneNumbers type work]. @example "+44 20 7946 0000" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) workPhone?: string | null;
  /** HR field [phoneNumbers type mobile]. @example "+44 7700 900000" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) mobilePhone?: string | null;
  /** HR field [phoneNumbers type fax]. @example "+44 20 7946 0001" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) fax?: string | null;
  /** HR field [addresses type other, formatted]. @example "Building 4, room 210" */
  @IsOptional() @Trim() @IsString() @MaxLength(1000) office?: string | null;

  /** Admin rights in the app. @example false */
  @IsOptional() @IsBoolean() isAdmin?: boolean;
}

/**
 * Changes to a person: omitted fields stay, `null` or a blank string clears. For a person a
 * directory manages, only the app-owned fields (`grade`, `isAdmin`) may change; sending another
 * field with a different value answers 409 FIELD_MANAGED_BY_DIRECTORY (an unchanged value is
 * accepted, so a client may send the whole record back).
 */
export class UpdatePersonRequest extends PartialType(CreatePersonRequest) {}
