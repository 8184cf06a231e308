/**
 * The bearer token of `Authorization: Bearer <token>`, and nothing else: a token in the query
 * string (`?access_token=`) or the body would end up in access logs, proxies and browser history.
 */
export function bearerTokenOf(authorization: string | string[] | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const parts = authorization.split(' ');
  return parts.length === 2 && /^bearer$/i.test(parts[0]) && parts[1] !== '' ? parts[1] : undefined;
}
