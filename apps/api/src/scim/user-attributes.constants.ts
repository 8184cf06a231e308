import { ENTERPRISE_USER_URN } from '@app/scim-protocol';
import type { DirectoryTextField } from '../users/user-fields.util';

/**
 * Where a text attribute of the declared User schema (libs/scim-protocol user-schema.ts,
 * enterprise-user-schema.ts: names, types, mutability, canonical values, what /Schemas serves
 * and what requests are checked against) is stored: the person's field and its column. One row
 * per stored value; the mapper (scim-user.mapper.ts) and the filter map (user-attribute-map.constants.ts)
 * are both derived from these rows, and user-attributes.constants.spec.ts checks that every writable
 * declared attribute has a row and every row a declared attribute, so /Schemas, validation,
 * storage and filtering cannot disagree.
 *
 * The few attributes with their own shape are handled beside the rows: `id`, `userName` (the
 * keyed lookup), `active` (the archive), `emails` (rows of user_emails), the enterprise
 * `manager` (a reference) and the readOnly `groups` and `meta`.
 */
export interface TextBinding {
  /** Canonical attribute name; enterprise attributes carry their URN: `urn:…:User:costCenter`. */
  attribute: string;
  /** A sub-attribute of a complex attribute (`name.givenName`, `addresses[…].locality`). */
  sub?: string;
  /** For one typed value of a multi-valued attribute (`phoneNumbers[type eq "mobile"]`). */
  type?: string;
  /** The typed value is the attribute's primary one, as returned and as filters see it. */
  primary?: boolean;
  field: DirectoryTextField;
  /** Column over `users u`, for filters. */
  column: string;
  /** RFC 7643 caseExact of the attribute (filters compare accordingly). */
  caseExact?: boolean;
}

const ENT = (name: string): string => `${ENTERPRISE_USER_URN}:${name}`;
const ADDRESS_PARTS = [
  ['formatted', 'Formatted', 'formatted'],
  ['streetAddress', 'Street', 'street'],
  ['locality', 'Locality', 'locality'],
  ['region', 'Region', 'region'],
  ['postalCode', 'PostalCode', 'postal_code'],
  ['country', 'Country', 'country'],
] as const;

export const USER_TEXT_BINDINGS: readonly TextBinding[] = [
  { attribute: 'externalId', field: 'externalId', column: 'u.external_id', caseExact: true },
  { attribute: 'name', sub: 'formatted', field: 'nameFormatted', column: 'u.name_formatted' },
  { attribute: 'name', sub: 'familyName', field: 'familyName', column: 'u.family_name' },
  { attribute: 'name', sub: 'givenName', field: 'givenName', column: 'u.given_name' },
  { attribute: 'name', sub: 'middleName', field: 'middleName', column: 'u.name_middle' },
  { attribute: 'name', sub: 'honorificPrefix', field: 'honorificPrefix', column: 'u.name_honorific_prefix' },
  { attribute: 'name', sub: 'honorificSuffix', field: 'honorificSuffix', column: 'u.name_honorific_suffix' },
  { attribute: 'displayName', field: 'displayName', column: 'u.display_name' },
  { attribute: 'nickName', field: 'nickName', column: 'u.nick_name' },
  { attribute: 'title', field: 'title', column: 'u.title' },
  { attribute: 'userType', field: 'userType', column: 'u.user_type' },
  { attribute: 'preferredLanguage', field: 'preferredLanguage', column: 'u.preferred_language' },
  { attribute: 'locale', field: 'locale', column: 'u.locale' },
  { attribute: 'timezone', field: 'timezone', column: 'u.timezone' },
  { attribute: 'phoneNumbers', type: 'work', primary: true, sub: 'value', field: 'phoneWork', column: 'u.phone_work' },
  { attribute: 'phoneNumbers', type: 'mobile', sub: 'value', field: 'phoneMobile', column: 'u.phone_mobile' },
  { attribute: 'phoneNumbers', type: 'fax', sub: 'value', field: 'phoneFax', column: 'u.phone_fax' },
  ...ADDRESS_PARTS.map(([sub, field, column]): TextBinding => ({
    attribute: 'addresses',
    type: 'work',
    primary: true,
    sub,
    field: `address${field}`,
    column: `u.address_${column}`,
  })),
  ...ADDRESS_PARTS.map(([sub, field, column]): TextBinding => ({
    attribute: 'addresses',
    type: 'other',
    sub,
    field: `otherAddress${field}`,
    column: `u.other_address_${column}`,
  })),
  { attribute: ENT('employeeNumber'), field: 'employeeNumber', column: 'u.employee_number' },
  { attribute: ENT('costCenter'), field: 'costCenter', column: 'u.cost_center' },
  { attribute: ENT('organization'), field: 'enterpriseOrganization', column: 'u.enterprise_organization' },
  { attribute: ENT('division'), field: 'division', column: 'u.division' },
  { attribute: ENT('department'), field: 'department', column: 'u.department' },
];

/** Splits `urn:…:User:costCenter` into the extension URN and the name; core names have no URN. */
export function splitBinding(binding: TextBinding): { urn?: string; name: string } {
  const prefix = `${ENTERPRISE_USER_URN}:`;
  return binding.attribute.startsWith(prefix) ? { urn: ENTERPRISE_USER_URN, name: binding.attribute.slice(prefix.length) } : { name: binding.attribute };
}
