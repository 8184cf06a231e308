// How SCIM attributes map onto SQL, for `compileFilter`. Only the SQL written here ever reaches
// the query text; every value from the filter is bound as a `?` parameter.

export type SqlDialect = 'mysql' | 'sqlite';

export type ColumnType = 'string' | 'boolean' | 'dateTime' | 'integer' | 'decimal' | 'reference';

export type ConstantValue = string | number | boolean;

/** A single-valued attribute (or sub-attribute) stored in one column or SQL expression. */
export interface ColumnMapping {
  kind: 'column';
  /** Any SQL expression, e.g. `u.user_name` or `(u.archived_at IS NULL)`. */
  sql: string;
  type: ColumnType;
  /** RFC 7643 caseExact: false makes eq/ne/co/sw/ew/gt… compare case-insensitively. */
  caseExact: boolean;
  /**
   * A column holding `normalize(value)`, with its own index. Case-insensitive eq/ne compare it
   * with the normalised filter value, so the lookup Entra sends for every user uses the index.
   */
  normalized?: { sql: string; normalize(value: string): string };
  /**
   * Maps a validated filter value to the bound parameter for eq/ne/gt/ge/lt/le (not for the
   * LIKE/GLOB patterns of co/sw/ew). A dateTime arrives as a Date; without `encode` it is bound
   * as a Date on mysql and as UTC text 'YYYY-MM-DD HH:MM:SS.SSS' on sqlite (TypeORM's formats).
   * With `normalized`, the normalised string is what gets encoded.
   */
  encode?(value: string | number | boolean | Date): unknown;
}

/** One value of a multi-valued attribute stored in fixed columns, e.g. the work email. */
export interface FixedElement {
  /** Sub-attributes with a fixed value for this element, e.g. `{ type: 'work', primary: true }`. */
  constants?: Readonly<Record<string, ConstantValue>>;
  /** SQL that is true when the element exists; defaults to "any sub-attribute column is present". */
  present?: string;
  subAttributes: Readonly<Record<string, ColumnMapping>>;
}

/** A multi-valued attribute stored as columns of the main row, at most one element per type. */
export interface FixedElementsMapping {
  kind: 'fixedElements';
  elements: readonly FixedElement[];
}

/**
 * A multi-valued attribute stored as rows of another table (group members). `exists` is an
 * EXISTS predicate with exactly one `%s` where the element condition goes, e.g.
 * `EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND %s)`. It must contain
 * no `?` placeholders of its own.
 */
export interface RowsMapping {
  kind: 'rows';
  exists: string;
  constants?: Readonly<Record<string, ConstantValue>>;
  subAttributes: Readonly<Record<string, ColumnMapping>>;
}

export type AttributeMapping = ColumnMapping | FixedElementsMapping | RowsMapping;

export interface AttributeMap {
  /** Core schema URN; filters may prefix core attribute names with it. */
  coreSchema: string;
  /**
   * Keyed by attribute path in any casing: `userName`, `name.givenName` (sub-attributes of a
   * single-valued complex attribute are flat keys), `meta.lastModified`, `emails` (multi-valued),
   * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`. Extension
   * attributes also resolve by bare name when no other schema in the map has that name.
   */
  attributes: Readonly<Record<string, AttributeMapping>>;
}
