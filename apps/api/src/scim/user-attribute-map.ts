import { normalizedKey } from '@app/database';
import { AttributeMap, ColumnMapping, CORE_USER_URN, ENTERPRISE_USER_URN } from '@app/scim-protocol';

const text = (sql: string, caseExact = false): ColumnMapping => ({ kind: 'column', sql, type: 'string', caseExact });
const keyed = (sql: string, keySql: string): ColumnMapping => ({
  kind: 'column',
  sql,
  type: 'string',
  caseExact: false,
  // Equality goes through the hashed key column and its index: the lookup Entra sends per user.
  normalized: { sql: keySql, normalize: normalizedKey },
});
const timestamp = (sql: string): ColumnMapping => ({ kind: 'column', sql, type: 'dateTime', caseExact: false });

/**
 * Every User attribute a SCIM filter may use, over `users u`. An attribute missing here is a
 * 400 invalidFilter, never a silently empty result.
 */
export const USER_ATTRIBUTE_MAP: AttributeMap = {
  coreSchema: CORE_USER_URN,
  attributes: {
    id: text('u.id', true),
    externalId: text('u.external_id', true),
    userName: keyed('u.user_name', 'u.user_name_key'),
    displayName: text('u.display_name'),
    'name.givenName': text('u.given_name'),
    'name.familyName': text('u.family_name'),
    'name.formatted': text('u.name_formatted'),
    title: text('u.title'),
    preferredLanguage: text('u.preferred_language'),
    active: { kind: 'column', sql: '(u.archived_at IS NULL)', type: 'boolean', caseExact: false },
    emails: {
      kind: 'rows',
      exists: 'EXISTS (SELECT 1 FROM user_emails ue WHERE ue.organization_id = u.organization_id AND ue.user_id = u.id AND %s)',
      subAttributes: {
        value: keyed('ue.value', 'ue.value_key'),
        type: text('ue.type'),
        primary: { kind: 'column', sql: 'ue.is_primary', type: 'boolean', caseExact: false },
      },
    },
    phoneNumbers: {
      kind: 'fixedElements',
      elements: [
        { constants: { type: 'work', primary: true }, present: 'u.phone_work IS NOT NULL', subAttributes: { value: text('u.phone_work') } },
        { constants: { type: 'mobile', primary: false }, present: 'u.phone_mobile IS NOT NULL', subAttributes: { value: text('u.phone_mobile') } },
        { constants: { type: 'fax', primary: false }, present: 'u.phone_fax IS NOT NULL', subAttributes: { value: text('u.phone_fax') } },
      ],
    },
    addresses: {
      kind: 'fixedElements',
      elements: [
        {
          constants: { type: 'work', primary: true },
          subAttributes: {
            formatted: text('u.address_formatted'),
            streetAddress: text('u.address_street'),
            locality: text('u.address_locality'),
            region: text('u.address_region'),
            postalCode: text('u.address_postal_code'),
            country: text('u.address_country'),
          },
        },
      ],
    },
    'meta.created': timestamp('u.created_at'),
    'meta.lastModified': timestamp('u.updated_at'),
    [`${ENTERPRISE_USER_URN}:employeeNumber`]: text('u.employee_number'),
    [`${ENTERPRISE_USER_URN}:department`]: text('u.department'),
    [`${ENTERPRISE_USER_URN}:manager.value`]: text('u.manager_id', true),
  },
};
