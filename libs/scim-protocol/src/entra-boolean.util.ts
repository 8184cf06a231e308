/**
 * A boolean as SCIM clients send it: JSON `true`/`false`, or Entra's strings `"True"`/`"False"`
 * (ENTRA.md §2.5, pitfall 2), in any case and with surrounding whitespace. Anything else is
 * undefined, for the caller to refuse in its own words. Used for PATCH and POST/PUT values,
 * value-filter paths and SCIM filters alike.
 */
export function entraBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : undefined;
}
