import { Transform } from 'class-transformer';

/**
 * Trims string input before validation, so "  " fails @IsNotEmpty like "" does. The admin REST
 * API stores text trimmed; a value blank after trimming clears (trimmedOrNull, libs/scim-protocol).
 */
export const Trim = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
