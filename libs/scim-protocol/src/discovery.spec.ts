import { resourceTypeRepresentation, schemaRepresentation, serviceProviderConfig } from './discovery';
import { ALL_SCHEMAS, GROUP_RESOURCE, USER_RESOURCE } from './schemas/resource-schemas';

describe('discovery documents', () => {
  it('wraps each schema for GET /Schemas', () => {
    for (const schema of ALL_SCHEMAS) {
      const representation = schemaRepresentation(schema, 'https://host/scim/v2/');
      expect(representation).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
        id: schema.id,
        attributes: schema.attributes,
        meta: { resourceType: 'Schema', location: `https://host/scim/v2/Schemas/${schema.id}` },
      });
      expect(JSON.stringify(representation)).not.toContain('null');
    }
    // The validator fails all group tests without the core Group schema (ENTRA.md §2.2).
    expect(ALL_SCHEMAS.map((schema) => schema.id)).toContain('urn:ietf:params:scim:schemas:core:2.0:Group');
  });

  it('describes the User and Group resource types', () => {
    expect(resourceTypeRepresentation(USER_RESOURCE, 'https://host/scim/v2')).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }],
      meta: { resourceType: 'ResourceType', location: 'https://host/scim/v2/ResourceTypes/User' },
    });
    expect(resourceTypeRepresentation(GROUP_RESOURCE, 'https://host/scim/v2')).toMatchObject({
      endpoint: '/Groups',
      schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:frankli:2.0:Group', required: false }],
    });
  });

  it('advertises PATCH, filter and etag, not bulk/sort', () => {
    const config = serviceProviderConfig({ baseUrl: 'https://host/scim/v2', maxResults: 200, defaultPageSize: 100, cursorTimeout: 3600 });
    expect(config).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      pagination: { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100, maxPageSize: 200, cursorTimeout: 3600 },
      sort: { supported: false },
      etag: { supported: true },
      changePassword: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', primary: true })],
    });
    expect(config).not.toHaveProperty('documentationUri');
    expect(JSON.stringify(config)).not.toContain('null');
  });
});
