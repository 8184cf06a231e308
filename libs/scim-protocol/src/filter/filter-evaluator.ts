import { parseDateTime } from '../datetime';
import { getProperty, isJsonObject, JsonObject } from '../json-object';
import { findSubAttribute } from '../schemas/attribute-resolver';
import { SchemaAttribute } from '../schemas/schema-types';
import { CompareOperator, ComparisonValue, FilterNode } from './filter-ast';

/**
 * In-memory evaluation of a value filter against one value of a complex attribute
 * (`emails[type eq "work"]` against one email), used by PATCH paths. Names in the filter are
 * sub-attribute names of `parent`; strings compare case-insensitively unless caseExact.
 */
export function matchesValueFilter(value: unknown, filter: FilterNode, parent: SchemaAttribute): boolean {
  if (!isJsonObject(value)) return false;
  switch (filter.type) {
    case 'and':
      return filter.filters.every((child) => matchesValueFilter(value, child, parent));
    case 'or':
      return filter.filters.some((child) => matchesValueFilter(value, child, parent));
    case 'not':
      return !matchesValueFilter(value, filter.filter, parent);
    case 'valuePath':
      return false;
    case 'present':
      return isPresent(getProperty(value, filter.path.attribute));
    case 'compare':
      return compare(value, filter.path.attribute, filter.operator, filter.value, parent);
  }
}

export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) return Object.keys(value).length > 0;
  return true;
}

function compare(element: JsonObject, name: string, operator: CompareOperator, expected: ComparisonValue, parent: SchemaAttribute): boolean {
  const actual = getProperty(element, name);
  if (expected === null) return operator === 'ne' ? isPresent(actual) : operator === 'eq' && !isPresent(actual);
  if (!isPresent(actual)) return operator === 'ne';
  const definition = findSubAttribute(parent, name);
  if (definition?.type === 'dateTime' && typeof actual === 'string' && typeof expected === 'string') {
    const left = parseDateTime(actual)?.getTime();
    const right = parseDateTime(expected)?.getTime();
    if (left === undefined || right === undefined) return operator === 'ne';
    return compareOrdered(left, right, operator);
  }
  if (typeof actual === 'string' && typeof expected === 'string') {
    const exact = definition?.caseExact ?? false;
    const left = exact ? actual : actual.toLowerCase();
    const right = exact ? expected : expected.toLowerCase();
    if (operator === 'co') return left.includes(right);
    if (operator === 'sw') return left.startsWith(right);
    if (operator === 'ew') return left.endsWith(right);
    return compareOrdered(left, right, operator);
  }
  if (typeof actual === typeof expected && (typeof actual === 'number' || typeof actual === 'boolean')) {
    if (typeof actual === 'boolean' && operator !== 'eq' && operator !== 'ne') return false;
    return compareOrdered(actual as number, expected as number, operator);
  }
  // Values of different types are never equal.
  return operator === 'ne';
}

/** eq/ne/gt/ge/lt/le on two values of one type; other operators are false. */
export function compareOrdered<T extends string | number | boolean>(left: T, right: T, operator: CompareOperator): boolean {
  switch (operator) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
    default:
      return false;
  }
}
