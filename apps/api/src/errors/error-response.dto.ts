import { ApiProperty } from '@nestjs/swagger';

/**
 * The body of every REST error (rest-error.util.ts renders it). SCIM routes answer the SCIM Error
 * schema instead, so this is for /api/v1 only.
 */
export class ErrorResponse {
  /** The HTTP status, repeated. @example 404 */
  statusCode!: number;

  /** The HTTP reason phrase. @example "Not Found" */
  error!: string;

  // The swagger plugin skips a union of a string and an array, so this property is spelled out.
  @ApiProperty({
    description: 'What went wrong, for people. A body that fails validation lists one message per broken rule.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'User 3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b not found',
  })
  message!: string | string[];

  /** Stable, machine-readable: branch on this, not on the message (`VALIDATION_FAILED`, `EMAIL_ALREADY_IN_USE`, …). @example "USER_NOT_FOUND" */
  code!: string;

  /** Specifics for some codes, e.g. the fields a directory manages for FIELD_MANAGED_BY_DIRECTORY. @example { "fields": ["email", "displayName"] } */
  details?: Record<string, unknown>;
}
