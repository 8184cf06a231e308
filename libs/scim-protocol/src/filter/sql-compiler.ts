import { parseDateTime } from '../datetime';
import { entraBoolean } from '../entra-boolean.util';
import { ScimError } from '../errors';
import { AttributeMap, AttributeMapping, ColumnMapping, ConstantValue, FixedElement, SqlDialect } from './attribute-map';
import { AttrPath, CompareOperator, ComparisonValue, FilterNode, formatAttrPath } from './filter-ast';
import { compareOrdered } from './filter-evaluator';

export interface SqlPredicate {
  /** A boolean SQL expression with `?` placeholders, to AND into a WHERE clause. */
  sql: string;
  params: unknown[];
}

/**
 * Compiles a filter AST into a parameterised SQL predicate. SQL text comes only from `map`;
 * filter values are always bound. Unsupported attributes or value types throw
 * `ScimError(400, 'invalidFilter')` instead of matching nothing.
 *
 * Semantics worth knowing:
 * - `ne` also matches rows where the attribute is absent: `(col IS NULL OR col <> ?)`.
 * - `eq null` means "absent" (NULL, or '' for strings) and `ne null` means `pr`, because
 *   RFC 7643 §2.5 treats null and empty as unassigned.
 * - `not (…)` is two-valued: a comparison on a NULL column counts as false before negation,
 *   so `not (title eq "x")` also returns users without a title.
 * - Case-insensitive comparisons without a `normalized` column compare `LOWER(col)` with
 *   `LOWER(?)`, so both sides are folded by the same engine. SQLite's LOWER folds ASCII only;
 *   give attributes that need Unicode case folding a `normalized` column.
 * - On MySQL string comparisons are byte comparisons in the end, so collations that ignore
 *   case or accents do not leak into the result (see `stringComparison`).
 */
export function compileFilter(ast: FilterNode, map: AttributeMap, dialect: SqlDialect): SqlPredicate {
  const compiled = new SqlCompiler(map, dialect).compile(ast);
  if (compiled.kind === 'const') return { sql: compiled.value ? '1=1' : '1=0', params: [] };
  return { sql: compiled.sql, params: compiled.params };
}

/** Compile-time constants fold away, so filters on impossible elements become `1=0`. */
type Compiled = { kind: 'const'; value: boolean } | { kind: 'sql'; sql: string; params: unknown[]; nullable: boolean };

const TRUE: Compiled = { kind: 'const', value: true };
const FALSE: Compiled = { kind: 'const', value: false };

function sql(text: string, params: unknown[], nullable: boolean): Compiled {
  return { kind: 'sql', sql: text, params, nullable };
}

function and(parts: Compiled[]): Compiled {
  return join('AND', parts, false);
}

function or(parts: Compiled[]): Compiled {
  return join('OR', parts, true);
}

function join(keyword: 'AND' | 'OR', parts: Compiled[], absorbing: boolean): Compiled {
  const kept: Extract<Compiled, { kind: 'sql' }>[] = [];
  for (const part of parts) {
    if (part.kind === 'const') {
      if (part.value === absorbing) return part;
    } else {
      kept.push(part);
    }
  }
  if (kept.length === 0) return absorbing ? FALSE : TRUE;
  if (kept.length === 1) return kept[0];
  return sql(
    `(${kept.map((part) => part.sql).join(` ${keyword} `)})`,
    kept.flatMap((part) => part.params),
    kept.some((part) => part.nullable),
  );
}

function not(part: Compiled): Compiled {
  if (part.kind === 'const') return part.value ? FALSE : TRUE;
  // NOT NULL is NULL (row dropped); COALESCE makes an unknown comparison count as false first.
  return part.nullable ? sql(`(NOT COALESCE(${part.sql}, 0))`, part.params, false) : sql(`(NOT (${part.sql}))`, part.params, false);
}

function unsupported(path: AttrPath): ScimError {
  return ScimError.invalidFilter(`Filtering on "${formatAttrPath(path)}" is not supported`);
}

interface MapEntry {
  uri?: string;
  /** Lower-cased `attr` or `attr.sub`. */
  name: string;
  mapping: AttributeMapping;
}

const mapIndexes = new WeakMap<AttributeMap, MapEntry[]>();

function indexMap(map: AttributeMap): MapEntry[] {
  let entries = mapIndexes.get(map);
  if (!entries) {
    const core = map.coreSchema.toLowerCase();
    entries = Object.entries(map.attributes).map(([key, mapping]) => {
      const colon = key.lastIndexOf(':');
      const uri = colon === -1 ? undefined : key.slice(0, colon).toLowerCase();
      return { uri: uri === core ? undefined : uri, name: key.slice(colon + 1).toLowerCase(), mapping };
    });
    mapIndexes.set(map, entries);
  }
  return entries;
}

/** Where a filter attribute lands: a mapping, plus the sub-attribute left for a multi-valued one. */
interface Target {
  mapping: AttributeMapping;
  subAttribute?: string;
}

class SqlCompiler {
  private readonly entries: MapEntry[];

  constructor(
    private readonly map: AttributeMap,
    private readonly dialect: SqlDialect,
  ) {
    this.entries = indexMap(map);
  }

  compile(node: FilterNode): Compiled {
    switch (node.type) {
      case 'and':
        return and(node.filters.map((child) => this.compile(child)));
      case 'or':
        return or(node.filters.map((child) => this.compile(child)));
      case 'not':
        return not(this.compile(node.filter));
      case 'present':
      case 'compare':
        return this.compileAttribute(node);
      case 'valuePath':
        return this.compileValuePath(node.path, node.filter);
    }
  }

  private compileAttribute(node: Extract<FilterNode, { type: 'present' | 'compare' }>): Compiled {
    const target = this.lookup(node.path);
    if (!target) throw unsupported(node.path);
    const { mapping, subAttribute } = target;
    if (mapping.kind === 'column') return this.column(mapping, node, formatAttrPath(node.path));
    if (subAttribute === undefined) {
      if (node.type === 'present') return this.multiValued(mapping, undefined, node.path);
      throw ScimError.invalidFilter(`"${formatAttrPath(node.path)}" is multi-valued; compare one of its sub-attributes, e.g. "${node.path.attribute}.value"`);
    }
    // `emails.value eq "x"` means "some email has value x", i.e. `emails[value eq "x"]`.
    const inner: FilterNode = { ...node, path: { attribute: subAttribute } };
    const parent: AttrPath = node.path.uri === undefined ? { attribute: node.path.attribute } : { uri: node.path.uri, attribute: node.path.attribute };
    return this.multiValued(mapping, inner, parent);
  }

  private compileValuePath(path: AttrPath, filter: FilterNode): Compiled {
    const target = path.subAttribute === undefined ? this.lookup(path) : undefined;
    if (target && target.mapping.kind !== 'column' && target.subAttribute === undefined) {
      return this.multiValued(target.mapping, filter, path);
    }
    // A value filter on a single-valued complex attribute (`name[givenName eq "x"]`) reads its
    // flat `name.givenName` keys.
    if (!target && path.subAttribute === undefined && this.hasSubAttributeKeys(path)) {
      return this.compile(prefixPaths(filter, path));
    }
    throw unsupported(path);
  }

  /** One element condition, OR-ed over fixed elements or wrapped in the rows EXISTS. */
  private multiValued(mapping: Exclude<AttributeMapping, ColumnMapping>, filter: FilterNode | undefined, path: AttrPath): Compiled {
    if (mapping.kind === 'rows') {
      const inner = filter ? this.element(filter, [mapping], mapping, path) : TRUE;
      if (inner.kind === 'const' && !inner.value) return FALSE;
      const [before, after, ...rest] = mapping.exists.split('%s');
      if (after === undefined || rest.length > 0) {
        throw new Error(`Attribute map for "${formatAttrPath(path)}": "exists" needs exactly one %s`);
      }
      return inner.kind === 'const' ? sql(`${before}1=1${after}`, [], false) : sql(`${before}${inner.sql}${after}`, inner.params, false);
    }
    return or(
      mapping.elements.map((element) => {
        const inner = filter ? this.element(filter, mapping.elements, element, path) : TRUE;
        // Constant-only matches (`emails[type eq "work"]`) still need the element to exist.
        return inner.kind === 'const' && !inner.value ? FALSE : and([this.elementPresent(element), inner]);
      }),
    );
  }

  private elementPresent(element: FixedElement): Compiled {
    if (element.present !== undefined) return sql(element.present, [], true);
    return or(Object.values(element.subAttributes).map((column) => this.present(column)));
  }

  /** Compiles a value filter for one element; names are sub-attribute names. */
  private element(
    filter: FilterNode,
    siblings: readonly Pick<FixedElement, 'constants' | 'subAttributes'>[],
    element: Pick<FixedElement, 'constants' | 'subAttributes'>,
    parent: AttrPath,
  ): Compiled {
    switch (filter.type) {
      case 'and':
        return and(filter.filters.map((child) => this.element(child, siblings, element, parent)));
      case 'or':
        return or(filter.filters.map((child) => this.element(child, siblings, element, parent)));
      case 'not':
        return not(this.element(filter.filter, siblings, element, parent));
      case 'valuePath':
        throw ScimError.invalidFilter('Invalid filter: value filters cannot be nested');
      case 'present':
      case 'compare': {
        const label = `${formatAttrPath(parent)}.${filter.path.attribute}`;
        if (filter.path.uri !== undefined || filter.path.subAttribute !== undefined) {
          throw ScimError.invalidFilter(`Filtering on "${formatAttrPath(parent)}.${formatAttrPath(filter.path)}" is not supported`);
        }
        const wanted = filter.path.attribute.toLowerCase();
        const constant = findKey(element.constants, wanted);
        if (constant !== undefined) return evaluateConstant(constant, filter, label);
        const column = findKey(element.subAttributes, wanted);
        if (column !== undefined) return this.column(column, filter, label);
        const known = siblings.some((other) => findKey(other.constants, wanted) !== undefined || findKey(other.subAttributes, wanted) !== undefined);
        if (!known) throw ScimError.invalidFilter(`Filtering on "${label}" is not supported`);
        // Another element has it, this one never does: the sub-attribute is absent here.
        return evaluateAbsent(filter);
      }
    }
  }

  /** Whether the map has flat `attr.sub` keys for `path` (a single-valued complex attribute). */
  private hasSubAttributeKeys(path: AttrPath): boolean {
    const prefix = `${path.attribute.toLowerCase()}.`;
    return this.entries.some((entry) => entry.name.startsWith(prefix));
  }

  /** Finds the mapping for an attribute path (see `AttributeMap.attributes` for the rules). */
  private lookup(path: AttrPath): Target | undefined {
    const core = this.map.coreSchema.toLowerCase();
    const uri = path.uri === undefined || path.uri.toLowerCase() === core ? undefined : path.uri.toLowerCase();
    const attribute = path.attribute.toLowerCase();
    const full = path.subAttribute === undefined ? attribute : `${attribute}.${path.subAttribute.toLowerCase()}`;

    const findIn = (scope: MapEntry[]): Target | undefined => {
      const exact = scope.find((entry) => entry.name === full);
      if (exact) return { mapping: exact.mapping };
      if (path.subAttribute === undefined) return undefined;
      const parent = scope.find((entry) => entry.name === attribute && entry.mapping.kind !== 'column');
      return parent ? { mapping: parent.mapping, subAttribute: path.subAttribute } : undefined;
    };

    if (uri !== undefined || path.uri !== undefined) {
      return findIn(this.entries.filter((entry) => entry.uri === uri));
    }
    const inCore = findIn(this.entries.filter((entry) => entry.uri === undefined));
    if (inCore) return inCore;
    // Bare extension names resolve only when exactly one extension has them.
    const byUri = new Map<string, Target>();
    for (const entry of this.entries) {
      if (entry.uri === undefined || byUri.has(entry.uri)) continue;
      const found = findIn(this.entries.filter((other) => other.uri === entry.uri));
      if (found) byUri.set(entry.uri, found);
    }
    if (byUri.size > 1) {
      throw ScimError.invalidFilter(`"${formatAttrPath(path)}" is ambiguous; qualify it with its schema URN`);
    }
    return byUri.values().next().value;
  }

  private column(column: ColumnMapping, node: Extract<FilterNode, { type: 'present' | 'compare' }>, label: string): Compiled {
    if (node.type === 'present') return this.present(column);
    const { operator, value } = node;
    if (value === null) {
      if (operator === 'eq') return not(this.present(column));
      if (operator === 'ne') return this.present(column);
      throw ScimError.invalidFilter(`"${label}": null can only be compared with eq or ne`);
    }
    switch (column.type) {
      case 'string':
      case 'reference':
        if (typeof value !== 'string') {
          throw ScimError.invalidFilter(`"${label}" is compared with a "quoted string", not ${JSON.stringify(value)}`);
        }
        return this.stringComparison(column, operator, value);
      case 'boolean':
        return this.booleanComparison(column, operator, value, label);
      case 'integer':
      case 'decimal':
        if (typeof value !== 'number' || (column.type === 'integer' && !Number.isInteger(value))) {
          throw ScimError.invalidFilter(`"${label}" is compared with ${column.type === 'integer' ? 'an integer' : 'a number'}`);
        }
        return this.ordered(column, operator, column.encode ? column.encode(value) : value, label);
      case 'dateTime': {
        const date = typeof value === 'string' ? parseDateTime(value) : undefined;
        if (typeof value !== 'string' || !date) {
          throw ScimError.invalidFilter(`"${label}" is compared with an ISO 8601 dateTime string, e.g. "2024-05-01T00:00:00Z"`);
        }
        // Defaults match how TypeORM stores datetimes: a Date for mysql2, UTC text
        // 'YYYY-MM-DD HH:MM:SS.SSS' for SQLite (which cannot bind a Date and sorts that text).
        const bound = column.encode ? column.encode(date) : this.dialect === 'mysql' ? date : date.toISOString().replace('T', ' ').replace('Z', '');
        return this.ordered(column, operator, bound, label);
      }
    }
  }

  private present(column: ColumnMapping): Compiled {
    // LENGTH rather than `<> ''`: MySQL's PAD SPACE collations make ' ' equal to ''.
    return column.type === 'string' || column.type === 'reference'
      ? sql(`(${column.sql} IS NOT NULL AND LENGTH(${column.sql}) > 0)`, [], false)
      : sql(`${column.sql} IS NOT NULL`, [], false);
  }

  private booleanComparison(column: ColumnMapping, operator: CompareOperator, value: ComparisonValue, label: string): Compiled {
    // Entra sends booleans as "True"/"False" strings in PATCH; accept the same here.
    const bool = entraBoolean(value);
    if (typeof bool !== 'boolean') throw ScimError.invalidFilter(`"${label}" is compared with true or false`);
    if (operator !== 'eq' && operator !== 'ne') {
      throw ScimError.invalidFilter(`"${label}" is a boolean; only eq, ne and pr apply`);
    }
    const bound = column.encode ? column.encode(bool) : bool ? 1 : 0;
    return operator === 'eq' ? sql(`${column.sql} = ?`, [bound], true) : sql(`(${column.sql} IS NULL OR ${column.sql} <> ?)`, [bound], false);
  }

  /** eq/ne/gt/ge/lt/le on numbers and dateTimes; `bound` is already encoded. */
  private ordered(column: ColumnMapping, operator: CompareOperator, bound: unknown, label: string): Compiled {
    switch (operator) {
      case 'eq':
        return sql(`${column.sql} = ?`, [bound], true);
      case 'ne':
        return sql(`(${column.sql} IS NULL OR ${column.sql} <> ?)`, [bound], false);
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le':
        return sql(`${column.sql} ${ORDER_SQL[operator]} ?`, [bound], true);
      default:
        throw ScimError.invalidFilter(`"${label}" is a ${column.type}; "${operator}" applies to strings only`);
    }
  }

  /**
   * On MySQL every string comparison ends in a byte comparison (`CAST(… AS BINARY)`), so the
   * result never depends on the column collation: the default ones ignore case and, like
   * utf8mb4_unicode_ci or MySQL 8's utf8mb4_0900_ai_ci, accents too ('é' = 'e'). Equality on
   * a real column keeps a plain `col = ?` beside it so the index is still used.
   */
  private stringComparison(column: ColumnMapping, operator: CompareOperator, value: string): Compiled {
    const mysql = this.dialect === 'mysql';
    const encode = (v: string): unknown => (column.encode ? column.encode(v) : v);
    const bin = (expr: string): string => (mysql ? `CAST(${expr} AS BINARY)` : expr);
    const exact = column.caseExact;
    const normalized = !exact && operator !== 'co' && operator !== 'sw' && operator !== 'ew' ? column.normalized : undefined;
    // What is compared: the column itself, its normalised twin, or both sides lower-cased.
    const col = normalized ? normalized.sql : column.sql;
    const bound = normalized ? normalized.normalize(value) : value;
    const left = exact || normalized ? bin(col) : bin(`LOWER(${col})`);
    const right = exact || normalized ? bin('?') : bin('LOWER(?)');

    switch (operator) {
      case 'eq':
        if ((exact || normalized) && mysql) {
          return sql(`(${col} = ? AND ${left} = ${right})`, [encode(bound), encode(bound)], true);
        }
        return sql(`${left} = ${right}`, [encode(bound)], true);
      case 'ne':
        return sql(`(${col} IS NULL OR ${left} <> ${right})`, [encode(bound)], false);
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le':
        return sql(`${left} ${ORDER_SQL[operator]} ${right}`, [encode(bound)], true);
      case 'co':
      case 'sw':
      case 'ew': {
        const leading = operator !== 'sw';
        const trailing = operator !== 'ew';
        if (exact && !mysql) {
          // SQLite's LIKE ignores ASCII case; GLOB is case-sensitive.
          return sql(`${col} GLOB ?`, [`${leading ? '*' : ''}${escapeGlob(value)}${trailing ? '*' : ''}`], true);
        }
        // '!' as the escape character: its literal is the same in MySQL and SQLite, unlike '\'.
        const pattern = `${leading ? '%' : ''}${escapeLike(value)}${trailing ? '%' : ''}`;
        return sql(`${left} LIKE ${right} ESCAPE '!'`, [pattern], true);
      }
    }
  }
}

const ORDER_SQL = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, (ch) => `!${ch}`);
}

function escapeGlob(value: string): string {
  return value.replace(/[*?[]/g, (ch) => `[${ch}]`);
}

function findKey<V>(record: Readonly<Record<string, V>> | undefined, lowerName: string): V | undefined {
  if (!record) return undefined;
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() === lowerName) return value;
  }
  return undefined;
}

/** `name[givenName eq "x"]` → `name.givenName eq "x"`. */
function prefixPaths(filter: FilterNode, parent: AttrPath): FilterNode {
  switch (filter.type) {
    case 'and':
    case 'or':
      return { type: filter.type, filters: filter.filters.map((child) => prefixPaths(child, parent)) };
    case 'not':
      return { type: 'not', filter: prefixPaths(filter.filter, parent) };
    case 'valuePath':
      throw ScimError.invalidFilter('Invalid filter: value filters cannot be nested');
    case 'present':
    case 'compare':
      if (filter.path.uri !== undefined || filter.path.subAttribute !== undefined) throw unsupported(filter.path);
      return { ...filter, path: { ...parent, subAttribute: filter.path.attribute } };
  }
}

/** Static evaluation of a sub-attribute the element fixes, e.g. `type eq "work"` on the work email. */
function evaluateConstant(constant: ConstantValue, filter: Extract<FilterNode, { type: 'present' | 'compare' }>, label: string): Compiled {
  if (filter.type === 'present') return TRUE;
  const { operator, value } = filter;
  if (value === null) {
    if (operator === 'eq') return FALSE;
    if (operator === 'ne') return TRUE;
    throw ScimError.invalidFilter(`"${label}": null can only be compared with eq or ne`);
  }
  if (typeof constant === 'boolean') {
    const bool = entraBoolean(value);
    if (typeof bool !== 'boolean') throw ScimError.invalidFilter(`"${label}" is compared with true or false`);
    if (operator === 'eq') return bool === constant ? TRUE : FALSE;
    if (operator === 'ne') return bool !== constant ? TRUE : FALSE;
    throw ScimError.invalidFilter(`"${label}" is a boolean; only eq, ne and pr apply`);
  }
  if (typeof constant === 'number') {
    if (typeof value !== 'number') throw ScimError.invalidFilter(`"${label}" is compared with a number`);
    return compareValues(constant, value, operator, label) ? TRUE : FALSE;
  }
  if (typeof value !== 'string') {
    throw ScimError.invalidFilter(`"${label}" is compared with a "quoted string", not ${JSON.stringify(value)}`);
  }
  // Fixed values such as `type` are canonical values, compared case-insensitively (RFC 7643 caseExact false).
  return compareValues(constant.toLowerCase(), value.toLowerCase(), operator, label) ? TRUE : FALSE;
}

function compareValues<T extends string | number>(left: T, right: T, operator: CompareOperator, label: string): boolean {
  if (operator !== 'co' && operator !== 'sw' && operator !== 'ew') return compareOrdered(left, right, operator);
  if (typeof left !== 'string' || typeof right !== 'string') {
    throw ScimError.invalidFilter(`"${label}" is a number; "${operator}" applies to strings only`);
  }
  if (operator === 'co') return left.includes(right);
  if (operator === 'sw') return left.startsWith(right);
  return left.endsWith(right);
}

/** A sub-attribute this element never has: only `ne x` and `eq null` hold. */
function evaluateAbsent(filter: Extract<FilterNode, { type: 'present' | 'compare' }>): Compiled {
  if (filter.type === 'present') return FALSE;
  if (filter.operator === 'ne') return TRUE;
  return filter.operator === 'eq' && filter.value === null ? TRUE : FALSE;
}

/**
 * Rewrites the `?` placeholders as `:prefix0`, `:prefix1`… for APIs that take named parameters,
 * such as TypeORM's QueryBuilder (`qb.andWhere(`(${sql})`, params)`). Only the compiler emits
 * `?`, so this assumes the attribute map's own SQL contains none.
 */
export function toNamedParameters(predicate: SqlPredicate, prefix = 'scim'): { sql: string; params: Record<string, unknown> } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) throw new Error(`Invalid parameter prefix "${prefix}"`);
  const params: Record<string, unknown> = {};
  let index = 0;
  const sql = predicate.sql.replace(/\?/g, () => {
    const name = `${prefix}${index}`;
    params[name] = predicate.params[index++];
    return `:${name}`;
  });
  if (index !== predicate.params.length) throw new Error('Placeholder count does not match the parameters');
  return { sql, params };
}
