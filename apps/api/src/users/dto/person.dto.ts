import { IsBoolean, IsEmail, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Trim } from '../../common/trim';

/** A person an admin adds in the app: uninvited, managed by no directory. */
export class CreatePersonRequest {
  /** Their sign-in and invitation address; unique in the organisation. @example "grace.hopper@example.com" */
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  /** @example "Grace" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) firstName?: string | null;

  /** @example "Hopper" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) lastName?: string | null;

  /** Defaults to "firstName lastName", else the email. @example "Grace Hopper" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) displayName?: string | null;

  /** @example "Rear Admiral" */
  @IsOptional() @Trim() @IsString() @MaxLength(255) title?: string | null;

  @IsOptional() @IsUUID() siteId?: string | null;
  @IsOptional() @IsUUID() departmentId?: string | null;
  @IsOptional() @IsUUID() roleId?: string | null;
  @IsOptional() @IsUUID() managerId?: string | null;

  /** One of the role's grades. @example "L3" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) grade?: string | null;

  /** Admin rights in the app. @example false */
  @IsOptional() @IsBoolean() isAdmin?: boolean;
}

/**
 * Changes to a person: omitted fields stay, `null` or a blank string clears. For a person a
 * directory manages, only the app-owned fields (`grade`, `isAdmin`) may change; sending another
 * field with a different value answers 409 FIELD_MANAGED_BY_DIRECTORY (an unchanged value is
 * accepted, so a client may send the whole record back).
 */
export class UpdatePersonRequest {
  /** @example "grace@example.com" */
  @IsOptional() @Trim() @IsEmail() @MaxLength(320) email?: string;
  @IsOptional() @Trim() @IsString() @MaxLength(255) firstName?: string | null;
  @IsOptional() @Trim() @IsString() @MaxLength(255) lastName?: string | null;
  @IsOptional() @Trim() @IsString() @MaxLength(255) displayName?: string | null;
  @IsOptional() @Trim() @IsString() @MaxLength(255) title?: string | null;
  @IsOptional() @IsUUID() siteId?: string | null;
  @IsOptional() @IsUUID() departmentId?: string | null;
  @IsOptional() @IsUUID() roleId?: string | null;
  @IsOptional() @IsUUID() managerId?: string | null;
  /** @example "L4" */
  @IsOptional() @Trim() @IsString() @MaxLength(64) grade?: string | null;
  /** @example true */
  @IsOptional() @IsBoolean() isAdmin?: boolean;
}
