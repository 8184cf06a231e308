import { RESOURCE_TYPE_URN, SCHEMA_URN, SERVICE_PROVIDER_CONFIG_URN } from './messages';
import { MAX_PATCH_OPERATIONS } from './patch/patch-parser';
import { ResourceSchema, Schema } from './schemas/schema-types';

// Bodies for GET /Schemas, /ResourceTypes and /ServiceProviderConfig (RFC 7643 §5–§7).
// `baseUrl` is the SCIM base, e.g. https://host/scim/v2, without a trailing slash.

function trimSlash(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function schemaRepresentation(schema: Schema, baseUrl: string) {
  return {
    schemas: [SCHEMA_URN],
    ...schema,
    meta: { resourceType: 'Schema', location: `${trimSlash(baseUrl)}/Schemas/${schema.id}` },
  };
}

export function resourceTypeRepresentation(resource: ResourceSchema, baseUrl: string) {
  return {
    schemas: [RESOURCE_TYPE_URN],
    id: resource.name,
    name: resource.name,
    endpoint: `/${resource.name}s`,
    description: resource.name === 'User' ? 'User Account' : 'Group',
    schema: resource.core.id,
    schemaExtensions: resource.extensions.map((extension) => ({ schema: extension.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${trimSlash(baseUrl)}/ResourceTypes/${resource.name}` },
  };
}

export interface ServiceProviderConfigOptions {
  baseUrl: string;
  /** Largest page a list request returns (filter.maxResults). */
  maxResults: number;
  /** Page size when a list request sends no `count` (pagination.defaultPageSize). */
  defaultPageSize: number;
  /** Seconds a cursor stays valid at least (pagination.cursorTimeout, RFC 9865 §4). */
  cursorTimeout: number;
  documentationUri?: string;
}

/** What this server supports: PATCH, filtering, ETags and both kinds of paging yes; bulk, sort and password changes no. */
export function serviceProviderConfig(options: ServiceProviderConfigOptions) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_URN],
    ...(options.documentationUri ? { documentationUri: options.documentationUri } : {}),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: options.maxResults },
    // RFC 9865 §4. Index paging stays the default: it is what Entra sends.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: options.defaultPageSize,
      maxPageSize: options.maxResults,
      cursorTimeout: options.cursorTimeout,
    },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with the directory token shown when the directory was created',
        primary: true,
      },
    ],
    maxOperations: MAX_PATCH_OPERATIONS,
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trimSlash(options.baseUrl)}/ServiceProviderConfig`,
    },
  };
}
