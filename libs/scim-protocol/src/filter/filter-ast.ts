// RFC 7644 §3.4.2.2 filter AST. Names are kept as the client wrote them; the SQL compiler and
// the PATCH engine resolve them (case-insensitively) against what they support.

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type ComparisonValue = string | number | boolean | null;

export interface AttrPath {
  /** Schema URN prefix, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

export interface CompareNode {
  type: 'compare';
  path: AttrPath;
  operator: CompareOperator;
  value: ComparisonValue;
}

export interface PresentNode {
  type: 'present';
  path: AttrPath;
}

/** `and`/`or` are n-ary so long chains stay flat (no deep recursion when compiling). */
export interface LogicalNode {
  type: 'and' | 'or';
  filters: FilterNode[];
}

export interface NotNode {
  type: 'not';
  filter: FilterNode;
}

/**
 * `emails[type eq "work"]`: `filter` applies to each value of the multi-valued attribute
 * `path`, whose names inside are sub-attribute names. `emails[type eq "work"].value eq "x"`
 * parses to `emails[type eq "work" and value eq "x"]`.
 */
export interface ValuePathNode {
  type: 'valuePath';
  path: AttrPath;
  filter: FilterNode;
}

export type FilterNode = CompareNode | PresentNode | LogicalNode | NotNode | ValuePathNode;

export const COMPARE_OPERATORS: readonly CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** Renders an attribute path back to text, for error messages. */
export function formatAttrPath(path: AttrPath): string {
  const name = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  return path.uri === undefined ? name : `${path.uri}:${name}`;
}
