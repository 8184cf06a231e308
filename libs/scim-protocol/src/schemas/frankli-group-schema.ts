import { FRANKLI_GROUP_URN } from '../messages';
import { defineAttribute as a, deepFreeze, Schema } from './schema-types';

/** App-specific group settings an Entra admin can map onto a group. */
export const FRANKLI_GROUP_SCHEMA: Schema = deepFreeze({
  id: FRANKLI_GROUP_URN,
  name: 'FrankliGroup',
  description: 'App-specific settings of a Group',
  attributes: [
    a('autoInvite', 'boolean', 'When true, users who join this group are invited to the app automatically.'),
    a('grantsAdmin', 'boolean', 'When true, members of this group are app administrators.'),
  ],
});
