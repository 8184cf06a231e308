// Public API of the SCIM 2.0 protocol core: pure TypeScript, no framework or database imports.

export { ScimError, isScimError, scimErrorBody } from './errors';
export type { ScimErrorBody, ScimType } from './errors';
export {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  ERROR_URN,
  FRANKLI_GROUP_URN,
  LIST_RESPONSE_URN,
  PATCH_OP_URN,
  RESOURCE_TYPE_URN,
  SCHEMA_URN,
  SERVICE_PROVIDER_CONFIG_URN,
  listResponse,
} from './messages';
export type { ListResponse, ListResponsePaging } from './messages';
export { parsePagination } from './pagination';
export type { Pagination, PaginationOptions } from './pagination';
export { decodeCursor, encodeCursor, pageCursors, parseListPaging } from './cursor-pagination';
export type { CursorPosition, ListPaging } from './cursor-pagination';
export { parseDateTime } from './datetime';
export { blankToNull, isBlank, trimmedOrNull } from './blank.util';
export { entraBoolean } from './entra-boolean.util';
export { refuseDiscoveryFilter, singleValuedQuery } from './query-params';
export type { RawQuery } from './query-params';

export type { AttributeType, Mutability, ResourceSchema, Returned, Schema, SchemaAttribute, Uniqueness } from './schemas/schema-types';
export { USER_SCHEMA } from './schemas/user-schema';
export { ENTERPRISE_USER_SCHEMA } from './schemas/enterprise-user-schema';
export { GROUP_SCHEMA } from './schemas/group-schema';
export { FRANKLI_GROUP_SCHEMA } from './schemas/frankli-group-schema';
export { ALL_SCHEMAS, GROUP_RESOURCE, USER_RESOURCE } from './schemas/resource-schemas';
export { findSchema, resolveAttribute } from './schemas/attribute-resolver';
export type { ResolvedAttribute } from './schemas/attribute-resolver';
export { resourceTypeRepresentation, schemaRepresentation, serviceProviderConfig } from './discovery';
export type { ServiceProviderConfigOptions } from './discovery';

export type {
  AttrPath,
  CompareNode,
  CompareOperator,
  ComparisonValue,
  FilterNode,
  LogicalNode,
  NotNode,
  PresentNode,
  ValuePathNode,
} from './filter/filter-ast';
export { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter } from './filter/filter-parser';
export type { FilterParseOptions } from './filter/filter-parser';
export { compileFilter, toNamedParameters } from './filter/sql-compiler';
export type { SqlPredicate } from './filter/sql-compiler';
export type {
  AttributeMap,
  AttributeMapping,
  ColumnMapping,
  ColumnType,
  ConstantValue,
  FixedElement,
  FixedElementsMapping,
  RowsMapping,
  SqlDialect,
} from './filter/attribute-map';

export { MAX_PATCH_OPERATIONS, parsePatchRequest } from './patch/patch-parser';
export { applyPatch } from './patch/patch-applier';
export { parseResourceBody } from './patch/resource-body';
export type { AttributePatchOperation, MembersPatchOperation, PatchOperation, PatchOpName, PatchTarget } from './patch/patch-types';

export { isAttributeRequested, projectResource } from './projection';
export type { ProjectionParams } from './projection';
