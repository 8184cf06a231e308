import { ScimError } from '../errors';

export type Token =
  | { kind: '(' | ')' | '[' | ']' | 'eof'; pos: number }
  | { kind: 'string'; value: string; pos: number }
  /** Anything else up to whitespace or a delimiter: names, operators, keywords, numbers. */
  | { kind: 'word'; text: string; pos: number };

const DELIMITERS = new Set(['(', ')', '[', ']']);
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Positions in messages are 1-based character offsets. */
export function syntaxError(message: string, pos: number): ScimError {
  return ScimError.invalidFilter(`Invalid filter: ${message} at position ${pos + 1}`);
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Splits a filter into tokens. Linear, no backtracking; the caller caps the input length. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (isSpace(ch)) {
      i++;
    } else if (DELIMITERS.has(ch)) {
      tokens.push({ kind: ch as '(' | ')' | '[' | ']', pos: i });
      i++;
    } else if (ch === '"') {
      const { value, end } = readString(input, i);
      tokens.push({ kind: 'string', value, pos: i });
      i = end;
    } else {
      const start = i;
      while (i < input.length && !isSpace(input[i]) && !DELIMITERS.has(input[i]) && input[i] !== '"') i++;
      tokens.push({ kind: 'word', text: input.slice(start, i), pos: start });
    }
  }
  tokens.push({ kind: 'eof', pos: input.length });
  return tokens;
}

/** A JSON string literal (RFC 7644 compValue `string` is RFC 7159 `string`). */
function readString(input: string, start: number): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < input.length) {
    const ch = input[i];
    if (ch === '"') return { value: out, end: i + 1 };
    if (ch === '\\') {
      const next = input[i + 1];
      if (next === undefined) break;
      if (next === 'u') {
        const hex = input.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw syntaxError('invalid \\u escape in string', i);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (Object.hasOwn(SIMPLE_ESCAPES, next)) {
        out += SIMPLE_ESCAPES[next];
        i += 2;
      } else {
        throw syntaxError(`invalid escape "\\${next}" in string`, i);
      }
    } else {
      out += ch;
      i++;
    }
  }
  throw syntaxError('unterminated string', start);
}
