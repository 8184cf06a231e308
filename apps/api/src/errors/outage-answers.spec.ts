import type { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DatabaseUnavailableError } from '@app/database';
import { DomainError } from '../common/domain.errors';
import { AllExceptionsFilter } from './all-exceptions.filter';

/** What the filter sends, for a request to `url`. */
function answer(exception: unknown, url: string): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const sent = { status: 0, headers: {} as Record<string, string>, body: {} as Record<string, unknown> };
  const reply = {
    headers: (h: Record<string, string>) => (Object.assign(sent.headers, h), reply),
    header: (k: string, v: string) => ((sent.headers[k] = v), reply),
    status: (s: number) => ((sent.status = s), reply),
    send: (b: Record<string, unknown>) => ((sent.body = b), reply),
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ url }), getResponse: () => reply }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return sent;
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
const resetDuringQuery = new QueryFailedError(
  'SELECT secret_column FROM t WHERE x = ?',
  ['a-parameter'],
  Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
);

describe('outage answers', () => {
  it.each([
    ['a refused connection', refused],
    ['a connection reset during a query', resetDuringQuery],
    ['the closed gate', new DatabaseUnavailableError()],
  ])('%s is a SCIM 503 with Retry-After and a SCIM Error, without SQL', (_name, err) => {
    const a = answer(err, '/scim/v2/Users');
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('5');
    expect(a.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(a.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503', detail: expect.any(String) });
    expect(JSON.stringify(a.body)).not.toMatch(/SELECT|a-parameter|3306/);
  });

  it('is a REST 503 DATABASE_UNAVAILABLE with Retry-After on the admin API', () => {
    const a = answer(resetDuringQuery, '/api/v1/users');
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('5');
    expect(a.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', code: 'DATABASE_UNAVAILABLE' });
  });

  it('leaves a bug a 500 and a duplicate key what its service made of it (controls)', () => {
    expect(answer(new Error('boom'), '/scim/v2/Users').status).toBe(500);
    const duplicate = new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' }));
    expect(answer(duplicate, '/api/v1/users').status).toBe(500);
    expect(answer(new DomainError('USER_NAME_TAKEN', 'taken'), '/scim/v2/Users').body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });
});
