import { ScimError } from './errors';
import { refuseDiscoveryFilter, singleValuedQuery } from './query-params';

function refusal(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('singleValuedQuery', () => {
  it("passes single string parameters through, including value-less flags such as Entra's", () => {
    expect(singleValuedQuery({ filter: 'userName eq "a"', count: '10', aadOptscim062020: '' })).toEqual({
      filter: 'userName eq "a"',
      count: '10',
      aadOptscim062020: '',
    });
    expect(singleValuedQuery(undefined)).toEqual({});
  });

  it.each([
    [{ 'filter[userName]': 'x' }, 'invalidFilter'],
    [{ 'Filter[userName][eq]': 'x' }, 'invalidFilter'],
    [{ filter: ['userName eq "a"', 'userName eq "b"'] }, 'invalidFilter'],
    [{ 'count[a]': '1' }, 'invalidValue'],
    [{ startIndex: ['1', '2'] }, 'invalidValue'],
    [{ attributes: { a: '1' } }, 'invalidValue'],
  ])('refuses %j with 400 %s', (query, scimType) => {
    const err = refusal(() => singleValuedQuery(query));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
  });
});

describe('refuseDiscoveryFilter', () => {
  it('answers 403 to a filter in any case, and lets other parameters pass', () => {
    expect(refusal(() => refuseDiscoveryFilter({ FILTER: 'id eq "x"' })).status).toBe(403);
    expect(() => refuseDiscoveryFilter({ attributes: 'id' })).not.toThrow();
  });
});
