import { directoryActive } from './users-lifecycle.service';
import type { User } from './user.entity';

/** The directory-owned columns of a person, named as DirectoryUserFields names them. */
const COLUMNS: ReadonlyArray<readonly [keyof User, string]> = [
  ['userName', 'userName'],
  ['externalId', 'externalId'],
  ['givenName', 'givenName'],
  ['familyName', 'familyName'],
  ['nameFormatted', 'nameFormatted'],
  ['displayName', 'displayName'],
  ['title', 'title'],
  ['preferredLanguage', 'preferredLanguage'],
  ['employeeNumber', 'employeeNumber'],
  ['department', 'department'],
  ['phoneWork', 'phones.work'],
  ['phoneMobile', 'phones.mobile'],
  ['phoneFax', 'phones.fax'],
  ['addressFormatted', 'address.formatted'],
  ['addressStreet', 'address.streetAddress'],
  ['addressLocality', 'address.locality'],
  ['addressRegion', 'address.region'],
  ['addressPostalCode', 'address.postalCode'],
  ['addressCountry', 'address.country'],
  ['managerId', 'managerId'],
];

/** What a directory write did to a person, for the provisioning log (names only, never values). */
export type PersonWrite = 'create' | 'relink' | 'adopt' | 'update' | 'disable' | 'enable';

/** The columns a person's directory-owned fields occupy, copied before a write. */
export type FieldSnapshot = Pick<User, (typeof COLUMNS)[number][0] | 'archivedAt' | 'deprovisionState'>;

export function fieldSnapshot(u: User): FieldSnapshot {
  const copy: Partial<Record<keyof User, unknown>> = { archivedAt: u.archivedAt, deprovisionState: u.deprovisionState };
  for (const [column] of COLUMNS) copy[column] = u[column];
  return copy as FieldSnapshot;
}

/**
 * The names of the fields a write changed (`before` null: a new person, so every field it was
 * given). `active` when the write deactivated or re-enabled the person (archive, or a pending / held deprovisioning).
 */
export function changedFields(before: FieldSnapshot | null, after: User, emailsChanged: boolean): string[] {
  const names: string[] = [];
  for (const [column, name] of COLUMNS) {
    if (before ? before[column] !== after[column] : after[column] !== null && after[column] !== undefined) names.push(name);
  }
  if (emailsChanged) names.push('emails');
  if (before ? directoryActive(before) !== directoryActive(after) : !directoryActive(after)) names.push('active');
  return names;
}

/** disable / enable when the write deactivated or re-enabled the person (as the directory sees them), else `update`. */
export function updateKind(before: FieldSnapshot, after: User): PersonWrite {
  if (directoryActive(before) && !directoryActive(after)) return 'disable';
  if (!directoryActive(before) && directoryActive(after)) return 'enable';
  return 'update';
}
