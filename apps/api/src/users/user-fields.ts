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

/** The site a work address names: its formatted text, else its locality. */
export function siteNameOf(address: AddressFields): string | null {
  return address.formatted ?? address.locality;
}
