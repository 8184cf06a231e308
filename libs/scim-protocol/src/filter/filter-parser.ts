import { ScimError } from '../errors';
import { AttrPath, COMPARE_OPERATORS, CompareOperator, ComparisonValue, FilterNode, formatAttrPath } from './filter-ast';
import { syntaxError, Token, tokenize } from './filter-lexer';

/** Longer filters are refused before any work is done (Entra sends one short `eq`). */
export const MAX_FILTER_LENGTH = 2048;
/** Parentheses, `not (…)` and `attr[…]` each open one level; this bounds recursion. */
export const MAX_FILTER_DEPTH = 10;

export interface FilterParseOptions {
  /**
   * Accept bare words as string values (`userName sw O`, `meta.created gt 2015-10-10T…`).
   * Not RFC 7644, but Microsoft's reference Postman collection sends such filters. Off by default.
   */
  allowUnquotedValues?: boolean;
}

const NAME = '[A-Za-z$][A-Za-z0-9_$-]*';
const ATTR_RE = new RegExp(`^(${NAME})(?:\\.(${NAME}))?$`);
const SUB_ATTR_RE = new RegExp(`^\\.(${NAME})$`);
const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const OPERATORS = new Set<string>([...COMPARE_OPERATORS, 'pr']);
const RESERVED = new Set(['and', 'or', 'not']);

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into an AST. Every problem, including the
 * length and depth caps, is a `ScimError(400, 'invalidFilter')` naming the position.
 */
export function parseFilter(input: unknown, options: FilterParseOptions = {}): FilterNode {
  const parser = new FilterParser(checkInput(input), options);
  const node = parser.parseOr(0, false);
  parser.expectEnd();
  return node;
}

/** A PATCH `path` (RFC 7644 §3.5.2): `attrPath`, or `attrPath "[" valFilter "]" ["." subAttr]`. */
export interface ParsedPath {
  path: AttrPath;
  filter?: FilterNode;
  /** Sub-attribute after the value filter, e.g. `.value` in `emails[type eq "work"].value`. */
  filterSubAttribute?: string;
}

export function parsePathExpression(input: unknown): ParsedPath {
  const parser = new FilterParser(checkInput(input), {});
  const parsed = parser.parsePath();
  parser.expectEnd();
  return parsed;
}

function checkInput(input: unknown): string {
  if (typeof input !== 'string') throw ScimError.invalidFilter('Invalid filter: expected a string');
  if (input.length > MAX_FILTER_LENGTH) {
    throw ScimError.invalidFilter(`Invalid filter: longer than ${MAX_FILTER_LENGTH} characters`);
  }
  if (input.trim() === '') throw ScimError.invalidFilter('Invalid filter: empty');
  return input;
}

class FilterParser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    input: string,
    private readonly options: FilterParseOptions,
  ) {
    this.tokens = tokenize(input);
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') throw syntaxError(`unexpected ${describe(token)}`, token.pos);
  }

  /** FILTER with `or` (lowest precedence); iterative so long chains don't recurse. */
  parseOr(depth: number, inValuePath: boolean): FilterNode {
    const filters = [this.parseAnd(depth, inValuePath)];
    while (this.peekKeyword('or')) {
      this.index++;
      filters.push(this.parseAnd(depth, inValuePath));
    }
    return combine('or', filters);
  }

  parsePath(): ParsedPath {
    const token = this.next();
    if (token.kind !== 'word') throw syntaxError(`expected an attribute name, found ${describe(token)}`, token.pos);
    const path = parseAttrPath(token);
    if (this.peek().kind !== '[') return { path };
    const filter = this.parseBracket(0);
    const subToken = this.peek();
    if (subToken.kind !== 'word') return { path, filter };
    this.index++;
    return { path, filter, filterSubAttribute: parseSubAttr(subToken) };
  }

  private parseAnd(depth: number, inValuePath: boolean): FilterNode {
    const filters = [this.parseUnary(depth, inValuePath)];
    while (this.peekKeyword('and')) {
      this.index++;
      filters.push(this.parseUnary(depth, inValuePath));
    }
    return combine('and', filters);
  }

  private parseUnary(depth: number, inValuePath: boolean): FilterNode {
    const token = this.peek();
    if (token.kind === 'word' && token.text.toLowerCase() === 'not') {
      this.index++;
      const open = this.next();
      if (open.kind !== '(') throw syntaxError(`expected "(" after "not", found ${describe(open)}`, open.pos);
      return { type: 'not', filter: this.parseGroup(depth, inValuePath, open.pos) };
    }
    if (token.kind === '(') {
      this.index++;
      return this.parseGroup(depth, inValuePath, token.pos);
    }
    return this.parseAttrExpression(depth, inValuePath);
  }

  /** After "(": a nested FILTER and its ")". */
  private parseGroup(depth: number, inValuePath: boolean, pos: number): FilterNode {
    checkDepth(depth + 1, pos);
    const inner = this.parseOr(depth + 1, inValuePath);
    const close = this.next();
    if (close.kind !== ')') throw syntaxError(`expected ")", found ${describe(close)}`, close.pos);
    return inner;
  }

  private parseBracket(depth: number): FilterNode {
    const open = this.next();
    checkDepth(depth + 1, open.pos);
    const inner = this.parseOr(depth + 1, true);
    const close = this.next();
    if (close.kind !== ']') throw syntaxError(`expected "]", found ${describe(close)}`, close.pos);
    return inner;
  }

  private parseAttrExpression(depth: number, inValuePath: boolean): FilterNode {
    const token = this.next();
    if (token.kind !== 'word' || RESERVED.has(token.text.toLowerCase())) {
      throw syntaxError(`expected an attribute name, found ${describe(token)}`, token.pos);
    }
    const path = parseAttrPath(token);

    if (this.peek().kind === '[') {
      if (inValuePath) throw syntaxError('value filters cannot be nested', this.peek().pos);
      if (path.subAttribute !== undefined) {
        throw syntaxError(`a value filter must follow an attribute, not "${formatAttrPath(path)}"`, token.pos);
      }
      const filter = this.parseBracket(depth);
      const after = this.peek();
      // Entra documents `emails[type eq "work"].value eq "x"`: the sub-attribute comparison
      // joins the bracket filter, so the same element must satisfy both.
      if (after.kind === 'word' && after.text.startsWith('.')) {
        this.index++;
        const subPath: AttrPath = { attribute: parseSubAttr(after) };
        return { type: 'valuePath', path, filter: combine('and', [filter, this.parseComparison(subPath)]) };
      }
      return { type: 'valuePath', path, filter };
    }
    return this.parseComparison(path);
  }

  /** `pr`, or a comparison operator and its value, after an attribute path. */
  private parseComparison(path: AttrPath): FilterNode {
    const opToken = this.next();
    const op = opToken.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (!OPERATORS.has(op)) {
      throw syntaxError(`expected an operator after "${formatAttrPath(path)}", found ${describe(opToken)}`, opToken.pos);
    }
    if (op === 'pr') return { type: 'present', path };
    return { type: 'compare', path, operator: op as CompareOperator, value: this.parseValue() };
  }

  private parseValue(): ComparisonValue {
    const token = this.next();
    if (token.kind === 'string') return token.value;
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (NUMBER_RE.test(token.text)) {
        const value = Number(token.text);
        if (Number.isFinite(value)) return value;
      }
      // The leniency is for bare words only: 'x' is a mistake (JSON strings use double quotes),
      // and reading it as the four characters 'x' would silently match nothing.
      if (token.text.startsWith("'")) throw syntaxError('string values take double quotes ("…"), not single quotes', token.pos);
      if (this.options.allowUnquotedValues && !RESERVED.has(lower)) return token.text;
    }
    throw syntaxError(`expected a value (a "quoted string", number, true, false or null), found ${describe(token)}`, token.pos);
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private peekKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }
}

function checkDepth(depth: number, pos: number): void {
  if (depth > MAX_FILTER_DEPTH) throw syntaxError(`nested deeper than ${MAX_FILTER_DEPTH} levels`, pos);
}

/** Flattens `a and (b and c)` into one node; a single operand needs no node at all. */
function combine(type: 'and' | 'or', filters: FilterNode[]): FilterNode {
  if (filters.length === 1) return filters[0];
  const flat: FilterNode[] = [];
  for (const filter of filters) {
    if (filter.type === type) flat.push(...filter.filters);
    else flat.push(filter);
  }
  return { type, filters: flat };
}

/** `[URI ":"] ATTRNAME ["." subAttr]`; the URI is everything before the last ':'. */
function parseAttrPath(token: { text: string; pos: number }): AttrPath {
  const colon = token.text.lastIndexOf(':');
  const uri = colon === -1 ? undefined : token.text.slice(0, colon);
  const match = ATTR_RE.exec(token.text.slice(colon + 1));
  if (!match || (uri !== undefined && !/^[A-Za-z][^\s]*$/.test(uri))) {
    throw syntaxError(`invalid attribute name "${token.text}"`, token.pos);
  }
  const path: AttrPath = { attribute: match[1] };
  if (uri !== undefined) path.uri = uri;
  if (match[2] !== undefined) path.subAttribute = match[2];
  return path;
}

function parseSubAttr(token: { text: string; pos: number }): string {
  const match = SUB_ATTR_RE.exec(token.text);
  if (!match) throw syntaxError(`invalid sub-attribute "${token.text}"`, token.pos);
  return match[1];
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'word':
      return `"${token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text}"`;
    default:
      return `"${token.kind}"`;
  }
}
