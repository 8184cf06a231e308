import { DomainError } from '../common/domain.errors';
import { assertIdentifier } from '../common/identifier-text.util';
import { assertPlainEmail } from './email-address.util';
import type { User } from './user.entity';

/**
 * The text fields a directory owns, by User property, with the longest value each keeps (the
 * column size; the formatted work address also names a site, 255) and the name errors use. The
 * SCIM binding (scim/user-attributes.constants.ts, whose spec checks it binds each field exactly once),
 * the copy onto the row and the length checks read it: a new field is one line here, a column
 * and a binding.
 */
export const DIRECTORY_TEXT_FIELDS = {
  externalId: { max: 255, label: 'externalId' },
  givenName: { max: 255, label: 'name.givenName' },
  familyName: { max: 255, label: 'name.familyName' },
  nameFormatted: { max: 255, label: 'name.formatted' },
  middleName: { max: 255, label: 'name.middleName' },
  honorificPrefix: { max: 64, label: 'name.honorificPrefix' },
  honorificSuffix: { max: 64, label: 'name.honorificSuffix' },
  displayName: { max: 255, label: 'displayName' },
  nickName: { max: 255, label: 'nickName' },
  title: { max: 255, label: 'title' },
  userType: { max: 64, label: 'userType' },
  preferredLanguage: { max: 64, label: 'preferredLanguage' },
  locale: { max: 64, label: 'locale' },
  timezone: { max: 64, label: 'timezone' },
  employeeNumber: { max: 255, label: 'employeeNumber' },
  costCenter: { max: 255, label: 'costCenter' },
  enterpriseOrganization: { max: 255, label: 'organization' },
  division: { max: 255, label: 'division' },
  department: { max: 255, label: 'department' },
  phoneWork: { max: 64, label: 'phoneNumbers.value' },
  phoneMobile: { max: 64, label: 'phoneNumbers.value' },
  phoneFax: { max: 64, label: 'phoneNumbers.value' },
  addressFormatted: { max: 255, label: 'addresses.formatted' },
  addressStreet: { max: 255, label: 'addresses.streetAddress' },
  addressLocality: { max: 255, label: 'addresses.locality' },
  addressRegion: { max: 255, label: 'addresses.region' },
  addressPostalCode: { max: 64, label: 'addresses.postalCode' },
  addressCountry: { max: 255, label: 'addresses.country' },
  otherAddressFormatted: { max: 1000, label: 'addresses.formatted' },
  otherAddressStreet: { max: 255, label: 'addresses.streetAddress' },
  otherAddressLocality: { max: 255, label: 'addresses.locality' },
  otherAddressRegion: { max: 255, label: 'addresses.region' },
  otherAddressPostalCode: { max: 64, label: 'addresses.postalCode' },
  otherAddressCountry: { max: 255, label: 'addresses.country' },
} as const satisfies Partial<Record<keyof User, { max: number; label: string }>>;

export type DirectoryTextField = keyof typeof DIRECTORY_TEXT_FIELDS;
export const DIRECTORY_TEXT_FIELD_NAMES = Object.keys(DIRECTORY_TEXT_FIELDS) as DirectoryTextField[];

/** A person's attributes as a directory owns them (already validated; null means "not set"). */
export interface DirectoryUserFields {
  userName: string;
  /** Every text field, null when not set. */
  text: Record<DirectoryTextField, string | null>;
  emails: EmailField[];
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
  return (emails.find((e) => work(e) && e.primary) ?? emails.find(work) ?? emails.find((e) => e.primary) ?? emails[0])?.value ?? null;
}

/** A person's work address, from the stored row or from new fields. */
export function workAddressOf(
  u: Pick<User, 'addressFormatted' | 'addressStreet' | 'addressLocality' | 'addressRegion' | 'addressPostalCode' | 'addressCountry'>,
): AddressFields {
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

const LIMITS: Array<[string, (f: DirectoryUserFields) => Array<string | null>, number]> = [
  ['userName', (f) => [f.userName], 320],
  ...DIRECTORY_TEXT_FIELD_NAMES.map((field): [string, (f: DirectoryUserFields) => Array<string | null>, number] => [
    DIRECTORY_TEXT_FIELDS[field].label,
    (f) => [f.text[field]],
    DIRECTORY_TEXT_FIELDS[field].max,
  ]),
  ['emails.value', (f) => f.emails.map((e) => e.value), 320],
  ['emails.type', (f) => f.emails.map((e) => e.type), 32],
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
  assertIdentifier('externalId', f.text.externalId);
  assertIdentifier('displayName', f.text.displayName);
  // Every email, not only the one the app sends to: any of them may become the person's email
  // (appEmail falls back along the list) and all are matched by SCIM filters.
  for (const e of f.emails) assertPlainEmail(e.value, 'emails.value');
}
