import { isScimError, ScimError, scimErrorBody } from './errors';
import { listResponse } from './messages';

describe('scimErrorBody', () => {
  it.each<[ScimError, unknown]>([
    [
      new ScimError(400, 'invalidFilter', 'Filtering on "x" is not supported'),
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '400',
        scimType: 'invalidFilter',
        detail: 'Filtering on "x" is not supported',
      },
    ],
    [
      new ScimError(404, undefined, 'Resource 2819c223 not found'),
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'Resource 2819c223 not found' },
    ],
    [ScimError.noTarget('x'), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'noTarget', detail: 'x' }],
    [new ScimError(409, 'uniqueness', 'userName taken'), expect.objectContaining({ status: '409', scimType: 'uniqueness' })],
  ])('%s', (error, expected) => {
    const body = scimErrorBody(error);
    expect(body).toEqual(expected);
    expect(typeof body.status).toBe('string');
    expect(JSON.stringify(body)).not.toContain('null');
  });

  it('is a real Error with a name, detail as message, and a type guard', () => {
    const error = ScimError.invalidPath('bad path');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ScimError');
    expect(error.message).toBe('bad path');
    expect(isScimError(error)).toBe(true);
    expect(isScimError(new Error('x'))).toBe(false);
  });
});

describe('listResponse', () => {
  it('builds the empty answer Test Connection expects (ENTRA.md §2.1)', () => {
    expect(listResponse([], { totalResults: 0, startIndex: 1, itemsPerPage: 0 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('keeps the resources and paging as given', () => {
    const resources = [{ id: 'a' }, { id: 'b' }];
    const response = listResponse(resources, { totalResults: 12, startIndex: 6, itemsPerPage: 2 });
    expect(response).toMatchObject({ totalResults: 12, startIndex: 6, itemsPerPage: 2, Resources: resources });
    expect(response.Resources).not.toBe(resources);
  });
});
