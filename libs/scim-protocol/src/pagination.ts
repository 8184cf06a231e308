import { ScimError } from './errors';

export interface PaginationOptions {
  /** Page size when the client sends no `count`. */
  defaultCount: number;
  /** Larger counts are clamped (RFC 7644 §3.4.2.4 lets the server return fewer). */
  maxCount: number;
}

export interface Pagination {
  /** 1-based. */
  startIndex: number;
  count: number;
  /** 0-based row offset for SQL. */
  offset: number;
}

/**
 * Reads `startIndex`/`count` query values per RFC 7644 §3.4.2.4: a startIndex below 1 means 1,
 * a negative count means 0. Anything that is not an integer is a 400 rather than a guess.
 */
export function parsePagination(query: { startIndex?: unknown; count?: unknown }, options: PaginationOptions): Pagination {
  const startIndex = Math.max(1, readInteger(query.startIndex, 'startIndex') ?? 1);
  const count = Math.min(options.maxCount, Math.max(0, readInteger(query.count, 'count') ?? options.defaultCount));
  return { startIndex, count, offset: startIndex - 1 };
}

function readInteger(raw: unknown, name: string): number | undefined {
  // Repeated query parameters arrive as arrays; the last one wins, as in most frameworks.
  const value: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?\d{1,15}\s*$/.test(value)) return Number(value);
  throw ScimError.invalidValue(`"${name}" must be an integer`);
}
