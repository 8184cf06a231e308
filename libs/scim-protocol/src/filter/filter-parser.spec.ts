import { ScimError } from '../errors';
import { FilterNode } from './filter-ast';
import { MAX_FILTER_LENGTH, parseFilter, parsePathExpression } from './filter-parser';

const eq = (attribute: string, value: unknown, extra: Record<string, string> = {}): FilterNode =>
  ({ type: 'compare', path: { attribute, ...extra }, operator: 'eq', value }) as FilterNode;

function expectInvalidFilter(input: unknown, detail?: RegExp): ScimError {
  let caught: unknown;
  try {
    parseFilter(input);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ScimError);
  const error = caught as ScimError;
  expect(error.status).toBe(400);
  expect(error.scimType).toBe('invalidFilter');
  if (detail) expect(error.detail).toMatch(detail);
  return error;
}

describe('parseFilter', () => {
  describe('request shapes Entra sends (ENTRA.md §2.1, §2.3, §2.7, §3)', () => {
    it.each<[string, FilterNode]>([
      ['userName eq "7d420df3-9995-4831-a406-ecf8166f5f6a"', eq('userName', '7d420df3-9995-4831-a406-ecf8166f5f6a')],
      ['userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"', eq('userName', 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee')],
      ['displayName eq "displayName"', eq('displayName', 'displayName')],
      ['externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"', eq('externalId', '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef')],
      [
        'emails[type eq "work"].value eq "user@contoso.com"',
        {
          type: 'valuePath',
          path: { attribute: 'emails' },
          filter: { type: 'and', filters: [eq('type', 'work'), eq('value', 'user@contoso.com')] },
        },
      ],
    ])('%s', (input, expected) => {
      expect(parseFilter(input)).toEqual(expected);
    });
  });

  describe('RFC 7644 §3.4.2.2 examples', () => {
    it.each<[string, FilterNode]>([
      ['userName Eq "john"', eq('userName', 'john')],
      ['Username eq "john"', eq('Username', 'john')],
      ['name.familyName co "O\'Malley"', { type: 'compare', path: { attribute: 'name', subAttribute: 'familyName' }, operator: 'co', value: "O'Malley" }],
      ['userName sw "J"', { type: 'compare', path: { attribute: 'userName' }, operator: 'sw', value: 'J' }],
      [
        'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
        {
          type: 'compare',
          path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'userName' },
          operator: 'sw',
          value: 'J',
        },
      ],
      ['title pr', { type: 'present', path: { attribute: 'title' } }],
      [
        'meta.lastModified gt "2011-05-13T04:42:34Z"',
        {
          type: 'compare',
          path: { attribute: 'meta', subAttribute: 'lastModified' },
          operator: 'gt',
          value: '2011-05-13T04:42:34Z',
        },
      ],
      ['title pr and userType eq "Employee"', { type: 'and', filters: [{ type: 'present', path: { attribute: 'title' } }, eq('userType', 'Employee')] }],
      ['title pr or userType eq "Intern"', { type: 'or', filters: [{ type: 'present', path: { attribute: 'title' } }, eq('userType', 'Intern')] }],
      ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', eq('schemas', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User')],
      [
        'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
        {
          type: 'and',
          filters: [
            eq('userType', 'Employee'),
            {
              type: 'or',
              filters: [
                { type: 'compare', path: { attribute: 'emails' }, operator: 'co', value: 'example.com' },
                { type: 'compare', path: { attribute: 'emails', subAttribute: 'value' }, operator: 'co', value: 'example.org' },
              ],
            },
          ],
        },
      ],
      [
        'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
        {
          type: 'and',
          filters: [
            { type: 'compare', path: { attribute: 'userType' }, operator: 'ne', value: 'Employee' },
            {
              type: 'not',
              filter: {
                type: 'or',
                filters: [
                  { type: 'compare', path: { attribute: 'emails' }, operator: 'co', value: 'example.com' },
                  { type: 'compare', path: { attribute: 'emails', subAttribute: 'value' }, operator: 'co', value: 'example.org' },
                ],
              },
            },
          ],
        },
      ],
      [
        'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
        {
          type: 'and',
          filters: [
            eq('userType', 'Employee'),
            {
              type: 'valuePath',
              path: { attribute: 'emails' },
              filter: {
                type: 'and',
                filters: [eq('type', 'work'), { type: 'compare', path: { attribute: 'value' }, operator: 'co', value: '@example.com' }],
              },
            },
          ],
        },
      ],
      [
        'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
        {
          type: 'or',
          filters: [
            {
              type: 'valuePath',
              path: { attribute: 'emails' },
              filter: {
                type: 'and',
                filters: [eq('type', 'work'), { type: 'compare', path: { attribute: 'value' }, operator: 'co', value: '@example.com' }],
              },
            },
            {
              type: 'valuePath',
              path: { attribute: 'ims' },
              filter: {
                type: 'and',
                filters: [eq('type', 'xmpp'), { type: 'compare', path: { attribute: 'value' }, operator: 'co', value: '@foo.com' }],
              },
            },
          ],
        },
      ],
    ])('%s', (input, expected) => {
      expect(parseFilter(input)).toEqual(expected);
    });
  });

  describe('precedence and grouping', () => {
    it('binds and tighter than or', () => {
      expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({
        type: 'or',
        filters: [eq('a', 1), { type: 'and', filters: [eq('b', 2), eq('c', 3)] }],
      });
      expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({
        type: 'or',
        filters: [{ type: 'and', filters: [eq('a', 1), eq('b', 2)] }, eq('c', 3)],
      });
    });

    it('lets parentheses override precedence', () => {
      expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({
        type: 'and',
        filters: [{ type: 'or', filters: [eq('a', 1), eq('b', 2)] }, eq('c', 3)],
      });
    });

    it('flattens chains of the same operator', () => {
      expect(parseFilter('a pr and (b pr and c pr) and d pr')).toEqual({
        type: 'and',
        filters: ['a', 'b', 'c', 'd'].map((attribute) => ({ type: 'present', path: { attribute } })),
      });
    });

    it.each(['AND', 'And', 'aNd'])('accepts logical operator %s in any case', (word) => {
      expect(parseFilter(`a pr ${word} b pr`).type).toBe('and');
      expect(parseFilter(`a pr ${word.replace(/and/i, 'OR')} b pr`).type).toBe('or');
    });

    it.each(['not (a pr)', 'NOT (a pr)', 'Not(a pr)'])('accepts %s', (input) => {
      expect(parseFilter(input)).toEqual({ type: 'not', filter: { type: 'present', path: { attribute: 'a' } } });
    });

    it('accepts redundant parentheses and extra whitespace', () => {
      expect(parseFilter('  ((( userName   eq\t"x" )))  ')).toEqual(eq('userName', 'x'));
    });
  });

  describe('operators', () => {
    it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('%s in any case', (op) => {
      for (const written of [op, op.toUpperCase(), op[0].toUpperCase() + op[1]]) {
        expect(parseFilter(`userName ${written} "x"`)).toEqual({
          type: 'compare',
          path: { attribute: 'userName' },
          operator: op,
          value: 'x',
        });
      }
    });

    it.each(['pr', 'PR', 'Pr'])('%s', (op) => {
      expect(parseFilter(`title ${op}`)).toEqual({ type: 'present', path: { attribute: 'title' } });
    });
  });

  describe('comparison values', () => {
    it.each<[string, unknown]>([
      ['true', true],
      ['false', false],
      ['null', null],
      ['True', true],
      ['FALSE', false],
      ['NULL', null],
      ['0', 0],
      ['42', 42],
      ['-7', -7],
      ['3.25', 3.25],
      ['1e3', 1000],
      ['-2.5E-2', -0.025],
      ['"plain"', 'plain'],
      ['""', ''],
      ['"say \\"hi\\""', 'say "hi"'],
      ['"back\\\\slash"', 'back\\slash'],
      ['"caf\\u00e9"', 'café'],
      ['"\\u00C9lodie"', 'Élodie'],
      ['"tab\\there\\nline\\/slash"', 'tab\there\nline/slash'],
      ['"Zoë 😀"', 'Zoë 😀'],
      ['"a ] b ) c ( d [ e"', 'a ] b ) c ( d [ e'],
      ['"and or not eq"', 'and or not eq'],
    ])('%s', (literal, value) => {
      expect(parseFilter(`x eq ${literal}`)).toEqual(eq('x', value));
    });
  });

  describe('attribute paths', () => {
    it.each<[string, Record<string, string>]>([
      ['name.givenName', { attribute: 'name', subAttribute: 'givenName' }],
      ['NAME.GIVENNAME', { attribute: 'NAME', subAttribute: 'GIVENNAME' }],
      ['members.$ref', { attribute: 'members', subAttribute: '$ref' }],
      ['x-custom_attr2', { attribute: 'x-custom_attr2' }],
      [
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
        { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'department' },
      ],
      [
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
        { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'manager', subAttribute: 'value' },
      ],
      [
        'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName',
        { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'name', subAttribute: 'givenName' },
      ],
    ])('%s', (name, path) => {
      expect(parseFilter(`${name} eq "X"`)).toEqual({ type: 'compare', path, operator: 'eq', value: 'X' });
    });

    it('parses a URN-qualified value path', () => {
      expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]')).toEqual({
        type: 'valuePath',
        path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'emails' },
        filter: eq('type', 'work'),
      });
    });

    it('parses a value path followed by a sub-attribute presence test', () => {
      expect(parseFilter('emails[type eq "work"].value pr')).toEqual({
        type: 'valuePath',
        path: { attribute: 'emails' },
        filter: { type: 'and', filters: [eq('type', 'work'), { type: 'present', path: { attribute: 'value' } }] },
      });
    });

    it('parses not and parentheses inside a value path', () => {
      expect(parseFilter('emails[not (type eq "work") and (value co "a" or value co "b")]')).toEqual({
        type: 'valuePath',
        path: { attribute: 'emails' },
        filter: {
          type: 'and',
          filters: [
            { type: 'not', filter: eq('type', 'work') },
            {
              type: 'or',
              filters: [
                { type: 'compare', path: { attribute: 'value' }, operator: 'co', value: 'a' },
                { type: 'compare', path: { attribute: 'value' }, operator: 'co', value: 'b' },
              ],
            },
          ],
        },
      });
    });
  });

  describe('rejects malformed filters with invalidFilter and a position', () => {
    it.each<[unknown, RegExp]>([
      ['', /empty/],
      ['   ', /empty/],
      [undefined, /string/],
      [42, /string/],
      [{ filter: 'x' }, /string/],
      ['userName', /expected an operator.*end of input/],
      ['userName eq', /expected a value.*position 12/],
      ['userName eq john', /expected a value.*"john".*position 13/],
      ['userName equals "x"', /expected an operator.*"equals".*position 10/],
      ['userName eq "x" and', /expected an attribute name.*end of input/],
      ['userName eq "x" or or b pr', /expected an attribute name.*"or"/],
      ['and eq "x"', /expected an attribute name.*"and".*position 1/],
      ['userName eq "x" userName eq "y"', /unexpected "userName".*position 17/],
      ['(userName eq "x"', /expected "\)".*end of input/],
      ['userName eq "x")', /unexpected "\)"/],
      ['emails[type eq "work"', /expected "\]"/],
      ['emails[type eq "work"]]', /unexpected "\]"/],
      ['emails[type eq "work"].', /invalid sub-attribute "\."/],
      ['emails[type eq "work"].value', /expected an operator/],
      ['emails[type eq "work"].value.x eq "y"', /invalid sub-attribute/],
      ['emails[addresses[type eq "work"] pr]', /cannot be nested/],
      ['name.givenName[x eq "y"]', /must follow an attribute/],
      ['not userName eq "x"', /expected "\(" after "not"/],
      ['userName eq "unterminated', /unterminated string.*position 13/],
      ['userName eq "bad \\x escape"', /invalid escape/],
      ['userName eq "bad \\u12G4"', /invalid \\u escape/],
      ['a.b.c eq "x"', /invalid attribute name "a.b.c"/],
      ['1abc eq "x"', /invalid attribute name/],
      ['user@name eq "x"', /invalid attribute name/],
      [':userName eq "x"', /invalid attribute name/],
      ['urn:x: eq "x"', /invalid attribute name/],
      ['userName eq 01', /expected a value/],
      ['userName eq 1.', /expected a value/],
      ['userName eq +1', /expected a value/],
      ['userName eq 1e999', /expected a value/],
      ['userName pr "x"', /unexpected string/],
      ['()', /expected an attribute name.*"\)"/],
      ['[type eq "work"]', /expected an attribute name.*"\["/],
    ])('%p', (input, detail) => {
      expectInvalidFilter(input, detail);
    });

    it(`rejects input longer than ${MAX_FILTER_LENGTH} characters`, () => {
      const long = `userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`;
      expectInvalidFilter(long, /longer than 2048/);
      // Exactly at the cap is fine.
      const atCap = `userName eq "${'a'.repeat(MAX_FILTER_LENGTH - 14)}"`;
      expect(atCap).toHaveLength(MAX_FILTER_LENGTH);
      expect(parseFilter(atCap).type).toBe('compare');
    });

    it('rejects a 100k "(" string quickly without overflowing the stack', () => {
      const started = Date.now();
      expectInvalidFilter('('.repeat(100_000), /longer than/);
      expect(Date.now() - started).toBeLessThan(100);
    });

    it('rejects nesting deeper than 10 but accepts 10', () => {
      const nested = (depth: number): string => `${'('.repeat(depth)}a pr${')'.repeat(depth)}`;
      expect(parseFilter(nested(10))).toEqual({ type: 'present', path: { attribute: 'a' } });
      expectInvalidFilter(nested(11), /nested deeper than 10 levels at position 11/);
      expectInvalidFilter(nested(1000), /nested deeper than 10/);
      const nots = (depth: number): string => `${'not ('.repeat(depth)}a pr${')'.repeat(depth)}`;
      expect(parseFilter(nots(10)).type).toBe('not');
      expectInvalidFilter(nots(11), /nested deeper/);
      // A value path counts as a level too.
      expectInvalidFilter(`${'('.repeat(10)}emails[type pr]${')'.repeat(10)}`, /nested deeper/);
      expect(parseFilter(`${'('.repeat(9)}emails[type pr]${')'.repeat(9)}`).type).toBe('valuePath');
    });

    it('handles a long flat chain without recursion', () => {
      const chain = Array.from({ length: 150 }, (_, i) => `a${i} pr`).join(' or ');
      const node = parseFilter(chain);
      expect(node.type === 'or' && node.filters).toHaveLength(150);
    });

    it('never throws anything but ScimError on random input', () => {
      const alphabet = ['(', ')', '[', ']', '"', '\\', ' ', 'a', 'eq', 'and', 'not', '.', ':', 'pr', '1', 'u'];
      let seed = 12345;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed / 0x7fffffff;
      };
      for (let i = 0; i < 2000; i++) {
        const input = Array.from({ length: Math.floor(random() * 30) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
        try {
          parseFilter(input);
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
        }
      }
    });
  });

  describe('allowUnquotedValues (Microsoft Postman collection)', () => {
    it.each<[string, FilterNode]>([
      ['userName sw O', { type: 'compare', path: { attribute: 'userName' }, operator: 'sw', value: 'O' }],
      [
        'meta.Created gt 2015-10-10T14:38:21.8617979-07:00',
        {
          type: 'compare',
          path: { attribute: 'meta', subAttribute: 'Created' },
          operator: 'gt',
          value: '2015-10-10T14:38:21.8617979-07:00',
        },
      ],
      [
        'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
        {
          type: 'and',
          filters: [
            { type: 'compare', path: { attribute: 'name', subAttribute: 'FamilyName' }, operator: 'eq', value: 'Employee' },
            {
              type: 'or',
              filters: [
                { type: 'compare', path: { attribute: 'emails', subAttribute: 'Value' }, operator: 'co', value: 'example.com' },
                { type: 'compare', path: { attribute: 'emails', subAttribute: 'Value' }, operator: 'co', value: 'example.org' },
              ],
            },
          ],
        },
      ],
      ['active eq true', eq('active', true)],
      ['n eq 12', eq('n', 12)],
    ])('%s', (input, expected) => {
      expect(parseFilter(input, { allowUnquotedValues: true })).toEqual(expected);
    });

    it('is off by default', () => {
      expectInvalidFilter('userName sw O', /expected a value/);
    });

    it.each(["userName eq 'bjensen'", "userName eq 'b j'", "displayName co 'x"])('does not read a single-quoted value: %s', (input) => {
      expectInvalidFilter(input, /double quotes/);
      expect(() => parseFilter(input, { allowUnquotedValues: true })).toThrow(/double quotes/);
    });
  });
});

describe('parsePathExpression (PATCH paths)', () => {
  it.each<[string, unknown]>([
    ['userName', { path: { attribute: 'userName' } }],
    ['name.familyName', { path: { attribute: 'name', subAttribute: 'familyName' } }],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
      { path: { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'employeeNumber' } },
    ],
    ['emails[type eq "work"].value', { path: { attribute: 'emails' }, filter: eq('type', 'work'), filterSubAttribute: 'value' }],
    ['addresses[type eq "work"]', { path: { attribute: 'addresses' }, filter: eq('type', 'work') }],
    [
      'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]',
      { path: { attribute: 'members' }, filter: eq('value', '7f4bc1a3-285e-48ae-8202-5accb43efb0e') },
    ],
    ['emails[value eq "a]b"]', { path: { attribute: 'emails' }, filter: eq('value', 'a]b') }],
  ])('%s', (input, expected) => {
    expect(parsePathExpression(input)).toEqual(expected);
  });

  it.each(['', 'emails[type eq "work"', 'emails[type eq "work"]value', 'a b', 'emails[type eq "work"].value.x', 'a.b.c'])('rejects %p', (input) => {
    expect(() => parsePathExpression(input)).toThrow(ScimError);
  });
});
