import { normalizedKey } from '@app/database';
import { AttributeMap, AttributeMapping, ColumnMapping, CORE_USER_URN, ENTERPRISE_USER_URN, FixedElement } from '@app/scim-protocol';
import { USER_TEXT_BINDINGS } from './user-attributes.constants';

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

/** The stored text attributes as filter mappings, from the one binding table (user-attributes.constants.ts). */
function textAttributes(): Record<string, AttributeMapping> {
  const attributes: Record<string, AttributeMapping> = {};
  type Element = FixedElement & { subAttributes: Record<string, ColumnMapping> };
  const typed = new Map<string, Map<string, Element>>();
  for (const b of USER_TEXT_BINDINGS) {
    if (!b.type) {
      attributes[b.sub ? `${b.attribute}.${b.sub}` : b.attribute] = text(b.column, b.caseExact);
      continue;
    }
    const elements = typed.get(b.attribute) ?? new Map<string, Element>();
    typed.set(b.attribute, elements);
    const element = elements.get(b.type) ?? { constants: { type: b.type, primary: b.primary === true }, subAttributes: {} };
    elements.set(b.type, element);
    element.subAttributes[b.sub as string] = text(b.column, b.caseExact);
  }
  for (const [attribute, elements] of typed) {
    attributes[attribute] = {
      kind: 'fixedElements',
      // A typed value exists when any of its columns is set (the default `present`).
      elements: [...elements.values()],
    };
  }
  return attributes;
}

/**
 * Every User attribute a SCIM filter may use, over `users u`. An attribute missing here is a
 * 400 invalidFilter, never a silently empty result.
 */
export const USER_ATTRIBUTE_MAP: AttributeMap = {
  coreSchema: CORE_USER_URN,
  attributes: {
    id: text('u.id', true),
    userName: keyed('u.user_name', 'u.user_name_key'),
    ...textAttributes(),
    active: { kind: 'column', sql: '(u.archived_at IS NULL AND u.deprovision_state IS NULL)', type: 'boolean', caseExact: false },
    emails: {
      kind: 'rows',
      exists: 'EXISTS (SELECT 1 FROM user_emails ue WHERE ue.organization_id = u.organization_id AND ue.user_id = u.id AND %s)',
      subAttributes: {
        value: keyed('ue.value', 'ue.value_key'),
        type: text('ue.type'),
        primary: { kind: 'column', sql: 'ue.is_primary', type: 'boolean', caseExact: false },
      },
    },
    'meta.created': timestamp('u.created_at'),
    'meta.lastModified': timestamp('u.updated_at'),
    [`${ENTERPRISE_USER_URN}:manager.value`]: text('u.manager_id', true),
  },
};
