import { normalizedKey } from '@app/database';
import { AttributeMap, ColumnMapping, CORE_GROUP_URN, FRANKLI_GROUP_URN } from '@app/scim-protocol';
import { visibleToDirectorySql } from '../users/directory-visibility.sql';

const text = (sql: string, caseExact = false): ColumnMapping => ({ kind: 'column', sql, type: 'string', caseExact });
const bool = (sql: string): ColumnMapping => ({ kind: 'column', sql, type: 'boolean', caseExact: false });
const timestamp = (sql: string): ColumnMapping => ({ kind: 'column', sql, type: 'dateTime', caseExact: false });

/**
 * Every Group attribute a SCIM filter may use, over `groups g`. Members match only users the
 * directory can see, like every response that lists them.
 */
export const GROUP_ATTRIBUTE_MAP: AttributeMap = {
  coreSchema: CORE_GROUP_URN,
  attributes: {
    id: text('g.id', true),
    externalId: text('g.external_id', true),
    // Equality goes through the hashed key column and its unique index: Entra's lookup per group.
    displayName: { ...text('g.display_name'), normalized: { sql: 'g.display_name_key', normalize: normalizedKey } },
    members: {
      kind: 'rows',
      exists:
        `EXISTS (SELECT 1 FROM group_members gm JOIN users mu ON mu.id = gm.user_id AND ${visibleToDirectorySql('mu', 'g.directory_id')} ` +
        'WHERE gm.group_id = g.id AND %s)',
      subAttributes: {
        value: text('gm.user_id', true),
        display: text('mu.display_name'),
      },
    },
    'meta.created': timestamp('g.created_at'),
    'meta.lastModified': timestamp('g.updated_at'),
    [`${FRANKLI_GROUP_URN}:autoInvite`]: bool('g.auto_invite'),
    [`${FRANKLI_GROUP_URN}:grantsAdmin`]: bool('g.grants_admin'),
  },
};
