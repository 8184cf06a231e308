import { ENTERPRISE_USER_URN } from '../messages';
import { defineAttribute as a, deepFreeze, Schema } from './schema-types';

export const ENTERPRISE_USER_SCHEMA: Schema = deepFreeze({
  id: ENTERPRISE_USER_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    a('employeeNumber', 'string', 'Identifier assigned to the person by the organization.'),
    a('costCenter', 'string', 'Name of a cost center.'),
    a('organization', 'string', 'Name of an organization.'),
    a('division', 'string', 'Name of a division.'),
    a('department', 'string', 'Name of the department; the app creates or matches a department by name.'),
    a('manager', 'complex', 'The user\'s manager. Returned as {"value": id}.', {
      subAttributes: [
        a('value', 'string', 'The id of the SCIM resource representing the manager.'),
        a('$ref', 'reference', 'The URI of the SCIM resource representing the manager.', {
          referenceTypes: ['User'],
        }),
        a('displayName', 'string', 'The displayName of the manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
});
