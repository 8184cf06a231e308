/**
 * Blank clears (DESIGN §1.7): Entra sends no update for an attribute cleared in AD, so admins
 * are told to set a single space instead. A value that is absent, null, empty or only
 * whitespace therefore means *clear*: in a SCIM PATCH or PUT (this library), in the SCIM
 * mappers and in the admin REST API (the app). The one definition of "blank" for all of them.
 */
export function isBlank(value: unknown): value is null | undefined | string {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/**
 * The text to store, or null (clear) when `value` is blank or not a string. A non-blank value
 * is kept as sent: SCIM stores values exactly as the client sent them (ENTRA.md, Microsoft's
 * tutorial). For the SCIM mappers.
 */
export function blankToNull(value: unknown): string | null {
  return typeof value === 'string' && !isBlank(value) ? value : null;
}

/** The same rule, the text stored trimmed: for what an admin types into the app (people administration). */
export function trimmedOrNull(value: unknown): string | null {
  return blankToNull(value)?.trim() ?? null;
}
