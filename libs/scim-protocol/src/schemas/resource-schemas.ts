import { deepFreeze, ResourceSchema } from './schema-types';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user-schema';
import { FRANKLI_GROUP_SCHEMA } from './frankli-group-schema';
import { GROUP_SCHEMA } from './group-schema';
import { USER_SCHEMA } from './user-schema';

export const USER_RESOURCE: ResourceSchema = deepFreeze({
  name: 'User',
  core: USER_SCHEMA,
  extensions: [ENTERPRISE_USER_SCHEMA],
});

export const GROUP_RESOURCE: ResourceSchema = deepFreeze({
  name: 'Group',
  core: GROUP_SCHEMA,
  extensions: [FRANKLI_GROUP_SCHEMA],
  // Entra's group create names it (ENTRA.md §2.7); it has no attributes of its own.
  toleratedSchemas: ['http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
});

/** Every schema served by GET /Schemas. */
export const ALL_SCHEMAS = deepFreeze([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, FRANKLI_GROUP_SCHEMA]);
