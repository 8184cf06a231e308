/** Errors raised by Fastify itself before routing (bad JSON, body too large) carry a 4xx statusCode. */
export function isClientError(e: unknown): e is { statusCode: number; message: string; code?: string } {
  if (typeof e !== 'object' || e === null) return false;
  const status = (e as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
