import { DomainError } from '../common/domain-error';
import { assertIdentifier } from '../common/identifier-text';
import { assertPlainEmail } from './email-address';
import type { User } from './user.entity';

/** A person's attributes as a directory owns them (already validated; null means "not set"). */
export interface DirectoryUserFields {
  userName: string;
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  nameFormatted: string | null;
  displayName: string | null;
  title: string | null;
  preferredLanguage: string | null;
  employeeNumber: string | null;
  department: string | null;
  emails: EmailField[];
  phones: { work: string | null; mobile: string | null; fax: string | null };
  address: AddressFields;
  managerId: string | null;
  active: boolean;
}

export interface EmailField {
  value: string;
  type: string | null;
  primary: boolean;
}

export interface AddressFields {
  formatted: string | null;
  streetAddress: string | null;
  locality: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

/** The email the app uses for a person: the primary work email, else the first work, primary or any. */
export function appEmail(emails: readonly EmailField[]): string | null {
  const work = (e: EmailField): boolean => e.type?.toLowerCase() === 'work';
  return (
    emails.find((e) => work(e) && e.primary) ?? emails.find(work) ?? emails.find((e) => e.primary) ?? emails[0]
  )?.value ?? null;
}

/** A person's stored work address. */
export function workAddressOf(u: User): AddressFields {
  return {
    formatted: u.addressFormatted,
    streetAddress: u.addressStreet,
    locality: u.addressLocality,
    region: u.addressRegion,
    postalCode: u.addressPostalCode,
    country: u.addressCountry,
  };
}

/** The site a work address names: its formatted text, else its locality. */
export function siteNameOf(address: AddressFields): string | null {
  return address.formatted ?? address.locality;
}

/** Column sizes (see the migrations); the formatted work address also names a site (255). */
const LIMITS: Array<[string, (f: DirectoryUserFields) => Array<string | null>, number]> = [
  ['userName', (f) => [f.userName], 320],
  ['externalId', (f) => [f.externalId], 255],
  ['name.givenName', (f) => [f.givenName], 255],
  ['name.familyName', (f) => [f.familyName], 255],
  ['name.formatted', (f) => [f.nameFormatted], 255],
  ['displayName', (f) => [f.displayName], 255],
  ['title', (f) => [f.title], 255],
  ['preferredLanguage', (f) => [f.preferredLanguage], 64],
  ['employeeNumber', (f) => [f.employeeNumber], 255],
  ['department', (f) => [f.department], 255],
  ['emails.value', (f) => f.emails.map((e) => e.value), 320],
  ['emails.type', (f) => f.emails.map((e) => e.type), 32],
  ['phoneNumbers.value', (f) => [f.phones.work, f.phones.mobile, f.phones.fax], 64],
  ['addresses.formatted', (f) => [f.address.formatted], 255],
  ['addresses.streetAddress', (f) => [f.address.streetAddress], 255],
  ['addresses.locality', (f) => [f.address.locality], 255],
  ['addresses.region', (f) => [f.address.region], 255],
  ['addresses.postalCode', (f) => [f.address.postalCode], 64],
  ['addresses.country', (f) => [f.address.country], 255],
];
export const MAX_EMAILS = 20;

/** Refuses what the database could not store, the same way on every engine (400, nothing written). */
export function assertStorable(f: DirectoryUserFields): void {
  if (f.userName.trim() === '') throw new DomainError('VALIDATION_FAILED', 'userName is required');
  if (f.emails.length > MAX_EMAILS) throw new DomainError('VALIDATION_FAILED', `At most ${MAX_EMAILS} emails are kept per person`);
  for (const [name, values, max] of LIMITS) {
    if (values(f).some((v) => v !== null && v.length > max)) {
      throw new DomainError('VALIDATION_FAILED', `${name} is longer than ${max} characters`);
    }
  }
  // Identifiers people and filters match on hold no invisible or control characters (issue #10).
  assertIdentifier('userName', f.userName);
  assertIdentifier('externalId', f.externalId);
  assertIdentifier('displayName', f.displayName);
  // Every email, not only the one the app sends to: any of them may become the person's email
  // (appEmail falls back along the list) and all are matched by SCIM filters.
  for (const e of f.emails) assertPlainEmail(e.value, 'emails.value');
}
