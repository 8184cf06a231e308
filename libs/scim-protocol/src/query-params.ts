import { ScimError } from './errors';

/** A query string as the HTTP layer parsed it: repeated keys become arrays. */
export type RawQuery = Record<string, unknown>;

/**
 * RFC 7644 §3.4.2 query parameters are single strings. A repeated parameter, or one written in
 * the object syntax some HTTP libraries produce (`filter[userName]=x`), is refused rather than
 * read as something else: ignoring `filter[userName]` would answer the whole roster to a client
 * that asked for one person. A bad `filter` is `invalidFilter`; any other, `invalidValue`.
 */
export function singleValuedQuery(raw: RawQuery | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const [key, value] of Object.entries(raw)) {
    const bracket = key.indexOf('[');
    const name = bracket >= 0 ? key.slice(0, bracket) : key;
    const repeated = typeof value !== 'string';
    if (bracket >= 0 || repeated) {
      const what = bracket >= 0 ? `"${key}" uses object syntax` : `"${key}" is given more than once`;
      const detail = `Query parameter ${what}; each parameter must be one string`;
      throw name.toLowerCase() === 'filter' ? ScimError.invalidFilter(detail) : ScimError.invalidValue(detail);
    }
    out[key] = value;
  }
  return out;
}

/**
 * Discovery endpoints take no filter: RFC 7644 §4 says a service provider SHOULD answer 403
 * when one is given, so a client is not misled into thinking the list was filtered.
 */
export function refuseDiscoveryFilter(query: Record<string, string>): void {
  if (Object.keys(query).some((k) => k.toLowerCase() === 'filter')) {
    throw new ScimError(403, undefined, 'Filtering is not supported on discovery endpoints (RFC 7644 §4)');
  }
}
