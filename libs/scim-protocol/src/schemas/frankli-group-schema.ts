import { FRANKLI_GROUP_URN } from '../messages';
import { defineAttribute as a, deepFreeze, Schema } from './schema-types';

/**
 * App-specific entitlements of a group, shown to SCIM clients read-only: the organisation grants
 * power, the directory does not (DESIGN §5, issue #9). Only the admin API
 * (`PATCH /api/v1/groups/:id`) changes them; a POST or PUT ignores them and a PATCH that targets
 * them answers 400 mutability, like any readOnly attribute.
 */
export const FRANKLI_GROUP_SCHEMA: Schema = deepFreeze({
  id: FRANKLI_GROUP_URN,
  name: 'FrankliGroup',
  description: 'App-specific settings of a Group, set by the organisation in the app (read-only over SCIM)',
  attributes: [
    a('autoInvite', 'boolean', 'When true, users who join this group are invited to the app automatically. Set in the app only.', {
      mutability: 'readOnly',
    }),
    a('grantsAdmin', 'boolean', 'When true, members of this group are app administrators. Set in the app only.', {
      mutability: 'readOnly',
    }),
  ],
});
