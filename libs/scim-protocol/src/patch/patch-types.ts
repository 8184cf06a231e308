import { FilterNode } from '../filter/filter-ast';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** A resolved PATCH target, all names in canonical casing. */
export interface PatchTarget {
  /** URN of the schema that owns `attribute` (core or extension). */
  schema: string;
  attribute: string;
  /** `name.givenName`, or `.value` in `emails[type eq "work"].value`. */
  subAttribute?: string;
  /** Value filter on a complex attribute; its names are canonical sub-attribute names. */
  filter?: FilterNode;
}

/**
 * A change to one attribute. Values are already coerced to the schema type:
 * - `subAttribute` set, or a simple attribute: a string, boolean or number;
 * - a single complex attribute with a `value` sub-attribute (manager): `{ value: id }`;
 * - a multi-valued attribute without filter: an array of elements (add merges by `type`,
 *   replace replaces the list);
 * - a multi-valued attribute with a filter: one element (sub-attribute → value).
 * Empty or whitespace-only strings and nulls never reach here: they become `remove`.
 * A `remove` of a multi-valued attribute without filter may carry the elements to remove.
 */
export interface AttributePatchOperation {
  kind: 'attribute';
  op: PatchOpName;
  target: PatchTarget;
  value?: unknown;
}

/**
 * Group membership changes, kept apart so the Groups service can apply them with set-based
 * SQL without loading the member list. `ids` are distinct member ids, in request order.
 */
export interface MembersPatchOperation {
  kind: 'members';
  action: 'add' | 'remove' | 'removeAll' | 'replace';
  ids: string[];
}

/**
 * An operation on a readOnly attribute that may still be answered otherwise than 400 mutability
 * once the resource is known: in a path-less `replace`/`add` (`ifUnchanged`), a value equal to
 * the current one is ignored (Okta repeats the unchanged `id` when it renames a group); with a
 * value filter that matches nothing, the answer is noTarget (RFC 7644 §3.5.2.3), which is
 * checked before mutability. `value` is as sent; it is compared, never stored.
 */
export interface ReadOnlyPatchOperation {
  kind: 'readOnly';
  op: PatchOpName;
  target: PatchTarget;
  value?: unknown;
  ifUnchanged: boolean;
}

export type PatchOperation = AttributePatchOperation | MembersPatchOperation | ReadOnlyPatchOperation;
