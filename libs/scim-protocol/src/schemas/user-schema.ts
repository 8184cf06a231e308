import { CORE_USER_URN } from '../messages';
import { defineAttribute as a, deepFreeze, Schema } from './schema-types';

// Exactly what this server stores for a user, no more: Entra adds only discovered
// attributes to its mapping list, and advertising one we drop would lose data silently. Every
// writable attribute here is stored (apps/api/src/scim/user-attributes.constants.ts binds each to its
// column; a unit test keeps the two in step), and requests naming anything else are refused.
export const USER_SCHEMA: Schema = deepFreeze({
  id: CORE_USER_URN,
  name: 'User',
  description: 'User Account',
  attributes: [
    a('id', 'string', 'Unique identifier for the User, assigned by the service provider.', {
      caseExact: true,
      mutability: 'readOnly',
      returned: 'always',
      uniqueness: 'server',
    }),
    a('externalId', 'string', "Identifier of the User in the provisioning client's domain.", { caseExact: true }),
    a('userName', 'string', 'Unique identifier for the User, used to sign in. Compared case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    a('name', 'complex', "The components of the user's name.", {
      subAttributes: [
        a('formatted', 'string', 'The full name, formatted for display.'),
        a('familyName', 'string', 'The family name (last name).'),
        a('givenName', 'string', 'The given name (first name).'),
        a('middleName', 'string', 'The middle name(s).'),
        a('honorificPrefix', 'string', 'The honorific prefix(es), e.g. Ms.'),
        a('honorificSuffix', 'string', 'The honorific suffix(es), e.g. III.'),
      ],
    }),
    a('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
    a('nickName', 'string', 'The casual way to address the user.'),
    a('title', 'string', "The user's job title."),
    a('userType', 'string', 'The relationship to the organization, e.g. Member, Guest, Employee, Contractor.'),
    a('preferredLanguage', 'string', "The user's preferred written or spoken language, e.g. en-US."),
    a('locale', 'string', "The user's default location for localization, e.g. en-US."),
    a('timezone', 'string', "The user's time zone in IANA format, e.g. Europe/London."),
    a('active', 'boolean', "The user's administrative status; false archives the user."),
    a('emails', 'complex', 'Email addresses for the user. At most one per type.', {
      multiValued: true,
      subAttributes: [
        a('value', 'string', 'Email address.'),
        a('type', 'string', "A label indicating the email's function: work, home, or other (e.g. a proxy address).", {
          canonicalValues: ['work', 'home', 'other'],
        }),
        a('primary', 'boolean', 'Whether this is the primary email address.'),
      ],
    }),
    a('phoneNumbers', 'complex', 'Phone numbers for the user. At most one per type.', {
      multiValued: true,
      subAttributes: [
        a('value', 'string', 'Phone number, stored as sent.'),
        a('type', 'string', "A label indicating the phone number's function.", {
          canonicalValues: ['work', 'mobile', 'fax'],
        }),
        a('primary', 'boolean', 'Whether this is the primary phone number.'),
      ],
    }),
    a('addresses', 'complex', "The user's physical mailing addresses. At most one per type.", {
      multiValued: true,
      subAttributes: [
        a('formatted', 'string', 'The full mailing address, formatted for display.'),
        a('streetAddress', 'string', 'The full street address component.'),
        a('locality', 'string', 'The city or locality component.'),
        a('region', 'string', 'The state or region component.'),
        a('postalCode', 'string', 'The zip code or postal code component.'),
        a('country', 'string', 'The country name component.'),
        a('type', 'string', "A label indicating the address's function: work, or other (e.g. the office).", {
          canonicalValues: ['work', 'other'],
        }),
        a('primary', 'boolean', 'Whether this is the primary address.'),
      ],
    }),
    a('groups', 'complex', 'The groups the user belongs to, managed through the Group resource.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        a('value', 'string', 'The id of the Group.', { mutability: 'readOnly' }),
        a('$ref', 'reference', 'The URI of the Group.', { mutability: 'readOnly', referenceTypes: ['Group'] }),
        a('display', 'string', 'The displayName of the Group.', { mutability: 'readOnly' }),
      ],
    }),
  ],
});
