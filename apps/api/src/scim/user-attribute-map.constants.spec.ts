import { normalizedKey } from '@app/database';
import { compileFilter, ENTERPRISE_USER_URN, parseFilter, ScimError } from '@app/scim-protocol';
import { USER_ATTRIBUTE_MAP } from './user-attribute-map.constants';

const compile = (filter: string, dialect: 'mysql' | 'sqlite' = 'sqlite') =>
  compileFilter(parseFilter(filter, { allowUnquotedValues: true }), USER_ATTRIBUTE_MAP, dialect);

describe('USER_ATTRIBUTE_MAP', () => {
  it("compiles Entra's lookup to an indexed equality on the hashed key, the value bound", () => {
    const { sql, params } = compile('userName eq "Bob.Smith@Contoso.com"');
    expect(sql).toBe('u.user_name_key = ?');
    expect(params).toEqual([normalizedKey('bob.smith@contoso.com')]);
  });

  it('looks a work email up through the emails rows and their key index', () => {
    const { sql, params } = compile('emails[type eq "work"].value eq "A@B.com"');
    expect(sql).toContain('EXISTS (SELECT 1 FROM user_emails ue WHERE ue.organization_id = u.organization_id AND ue.user_id = u.id AND');
    expect(sql).toContain('ue.value_key = ?');
    expect(params).toContain(normalizedKey('a@b.com'));
  });

  it('never inlines a value, even one that looks like SQL', () => {
    const { sql, params } = compile(`displayName eq "x' OR '1'='1"`);
    expect(sql).not.toContain("'1'='1");
    expect(params).toContain("x' OR '1'='1");
  });

  it.each([
    'id eq "x"',
    'externalId eq "x"',
    'userName sw "a"',
    'displayName co "a"',
    'name.givenName eq "a"',
    'name.familyName ew "a"',
    'name.formatted pr',
    'title eq "a"',
    'preferredLanguage eq "en"',
    'active eq false',
    'emails.value co "example.com"',
    'emails[type eq "work" and primary eq true]',
    'phoneNumbers[type eq "mobile"].value eq "1"',
    'addresses[type eq "work"].locality eq "Paris"',
    'meta.created gt "2020-01-01T00:00:00Z"',
    'meta.lastModified le "2030-01-01T00:00:00Z"',
    `${ENTERPRISE_USER_URN}:department eq "R&D"`,
    `${ENTERPRISE_USER_URN}:employeeNumber eq "42"`,
    `${ENTERPRISE_USER_URN}:manager.value eq "x"`,
    'department eq "R&D"',
  ])('compiles %s to SQL on both engines', (filter) => {
    for (const dialect of ['mysql', 'sqlite'] as const) {
      const { sql } = compile(filter, dialect);
      expect(sql.length).toBeGreaterThan(0);
      expect(sql).not.toMatch(/"|R&D|example\.com/); // values are bound, not written into the SQL
    }
  });

  it.each(['nickNames eq "x"', 'name.nickName eq "x"', 'groups.value eq "x"', 'x509Certificates pr'])(
    '%s is 400 invalidFilter, never an empty result',
    (filter) => {
      let caught: unknown;
      try {
        compile(filter);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ScimError);
      expect(caught).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    },
  );
});
