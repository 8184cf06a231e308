/**
 * The SCIM names of the person fields a write changed (ManagedUser.write.fields), for the
 * provisioning log: names only, deduplicated in order.
 */
const SCIM_NAMES: Record<string, string> = {
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  nameFormatted: 'name.formatted',
  employeeNumber: 'employeeNumber',
  department: 'department',
  managerId: 'manager',
};

export function scimAttributeNames(fields: readonly string[]): string[] {
  const names = fields.map((f) => SCIM_NAMES[f] ?? (f.startsWith('phones.') ? 'phoneNumbers' : f.startsWith('address.') ? 'addresses' : f));
  return [...new Set(names)];
}
