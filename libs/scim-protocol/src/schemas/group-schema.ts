import { CORE_GROUP_URN } from '../messages';
import { defineAttribute as a, deepFreeze, Schema } from './schema-types';

export const GROUP_SCHEMA: Schema = deepFreeze({
  id: CORE_GROUP_URN,
  name: 'Group',
  description: 'Group',
  attributes: [
    a('id', 'string', 'Unique identifier for the Group, assigned by the service provider.', {
      caseExact: true,
      mutability: 'readOnly',
      returned: 'always',
      uniqueness: 'server',
    }),
    a('externalId', 'string', "Identifier of the Group in the provisioning client's domain.", { caseExact: true }),
    a('displayName', 'string', 'A human-readable name for the Group.', { required: true }),
    a('members', 'complex', 'Direct members of the Group. Nested groups are not supported.', {
      multiValued: true,
      subAttributes: [
        a('value', 'string', 'The id of the member User.', { mutability: 'immutable' }),
        a('$ref', 'reference', 'The URI of the member User.', {
          mutability: 'immutable',
          referenceTypes: ['User'],
        }),
        a('display', 'string', 'The displayName of the member.', { mutability: 'readOnly' }),
        a('type', 'string', 'The type of the member.', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
});
