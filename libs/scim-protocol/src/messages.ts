// Schema and message URNs (RFC 7643 §8.7, RFC 7644 §3.1). Compare them case-insensitively:
// RFC 7643 §2.1 makes schema URIs case-insensitive and Entra has sent odd casings.
export const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const FRANKLI_GROUP_URN = 'urn:ietf:params:scim:schemas:extension:frankli:2.0:Group';
export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SERVICE_PROVIDER_CONFIG_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_URN = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_URN];
  totalResults: number;
  /** Index paging only. */
  startIndex?: number;
  itemsPerPage: number;
  /** Cursor paging only (RFC 9865 §2.2). */
  nextCursor?: string;
  previousCursor?: string;
  Resources: T[];
}

export interface ListResponsePaging {
  /** Exact count of all matches, not just this page (Entra's validator pages on it). */
  totalResults: number;
  /** 1-based index of the first returned resource, echoed back; absent for a cursor page. */
  startIndex?: number;
  /** Number of resources on this page. */
  itemsPerPage: number;
  /** RFC 9865: where the next and previous pages start, when there are such pages. */
  nextCursor?: string;
  previousCursor?: string;
}

/** RFC 7644 §3.4.2 ListResponse. An empty result is still a 200 with `Resources: []`. */
export function listResponse<T>(resources: readonly T[], paging: ListResponsePaging): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_URN],
    totalResults: paging.totalResults,
    ...(paging.startIndex !== undefined ? { startIndex: paging.startIndex } : {}),
    itemsPerPage: paging.itemsPerPage,
    ...(paging.nextCursor !== undefined ? { nextCursor: paging.nextCursor } : {}),
    ...(paging.previousCursor !== undefined ? { previousCursor: paging.previousCursor } : {}),
    Resources: [...resources],
  };
}
