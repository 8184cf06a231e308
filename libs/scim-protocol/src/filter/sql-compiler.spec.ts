import { ScimError } from '../errors';
import { CORE_GROUP_URN, CORE_USER_URN, ENTERPRISE_USER_URN } from '../messages';
import { AttributeMap, ColumnMapping, SqlDialect } from './attribute-map';
import { parseFilter } from './filter-parser';
import { compileFilter, toNamedParameters } from './sql-compiler';

const text = (sql: string, caseExact = false): ColumnMapping => ({ kind: 'column', sql, type: 'string', caseExact });

const USERS: AttributeMap = {
  coreSchema: CORE_USER_URN,
  attributes: {
    id: text('u.id', true),
    userName: { ...text('u.user_name'), normalized: { sql: 'u.user_name_key', normalize: (v) => `k:${v.toLowerCase()}` } },
    externalId: text('u.external_id', true),
    displayName: text('u.display_name'),
    'name.givenName': text('u.given_name'),
    active: { kind: 'column', sql: '(u.archived_at IS NULL)', type: 'boolean', caseExact: false },
    'meta.created': { kind: 'column', sql: 'u.created_at', type: 'dateTime', caseExact: false },
    'meta.version': { kind: 'column', sql: 'u.version', type: 'integer', caseExact: false },
    emails: {
      kind: 'fixedElements',
      elements: [{ constants: { type: 'work', primary: true }, present: 'u.email IS NOT NULL', subAttributes: { value: text('u.email') } }],
    },
    phoneNumbers: {
      kind: 'fixedElements',
      elements: [
        { constants: { type: 'work' }, subAttributes: { value: text('u.work_phone') } },
        { constants: { type: 'mobile' }, subAttributes: { value: text('u.mobile_phone') } },
      ],
    },
    [`${ENTERPRISE_USER_URN}:department`]: text('u.department'),
    [`${ENTERPRISE_USER_URN}:manager.value`]: text('u.manager_id', true),
  },
};

const GROUPS: AttributeMap = {
  coreSchema: CORE_GROUP_URN,
  attributes: {
    displayName: text('g.display_name'),
    members: {
      kind: 'rows',
      exists: 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND %s)',
      constants: { type: 'User' },
      subAttributes: { value: text('gm.user_id', true) },
    },
  },
};

function compile(filter: string, dialect: SqlDialect = 'sqlite', map: AttributeMap = USERS) {
  return compileFilter(parseFilter(filter), map, dialect);
}

function expectInvalidFilter(run: () => unknown, detail: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ScimError);
  expect((caught as ScimError).scimType).toBe('invalidFilter');
  expect((caught as ScimError).status).toBe(400);
  expect((caught as ScimError).detail).toMatch(detail);
}

describe('compileFilter', () => {
  describe('strings', () => {
    it.each<[string, SqlDialect, string, unknown[]]>([
      // Entra's lookup uses the normalised, indexed column.
      ['userName eq "Bob@X.com"', 'sqlite', 'u.user_name_key = ?', ['k:bob@x.com']],
      ['userName eq "Bob@X.com"', 'mysql', '(u.user_name_key = ? AND CAST(u.user_name_key AS BINARY) = CAST(? AS BINARY))', ['k:bob@x.com', 'k:bob@x.com']],
      ['userName ne "Bob"', 'sqlite', '(u.user_name_key IS NULL OR u.user_name_key <> ?)', ['k:bob']],
      ['externalId eq "AbC"', 'sqlite', 'u.external_id = ?', ['AbC']],
      ['externalId eq "AbC"', 'mysql', '(u.external_id = ? AND CAST(u.external_id AS BINARY) = CAST(? AS BINARY))', ['AbC', 'AbC']],
      ['externalId ne "AbC"', 'mysql', '(u.external_id IS NULL OR CAST(u.external_id AS BINARY) <> CAST(? AS BINARY))', ['AbC']],
      ['displayName eq "Bob"', 'sqlite', 'LOWER(u.display_name) = LOWER(?)', ['Bob']],
      ['displayName eq "Bob"', 'mysql', 'CAST(LOWER(u.display_name) AS BINARY) = CAST(LOWER(?) AS BINARY)', ['Bob']],
      ['displayName ne "Bob"', 'sqlite', '(u.display_name IS NULL OR LOWER(u.display_name) <> LOWER(?))', ['Bob']],
      ['displayName co "a%b_c!d"', 'sqlite', "LOWER(u.display_name) LIKE LOWER(?) ESCAPE '!'", ['%a!%b!_c!!d%']],
      ['displayName sw "x"', 'mysql', "CAST(LOWER(u.display_name) AS BINARY) LIKE CAST(LOWER(?) AS BINARY) ESCAPE '!'", ['x%']],
      ['displayName ew "x"', 'sqlite', "LOWER(u.display_name) LIKE LOWER(?) ESCAPE '!'", ['%x']],
      // co/sw/ew never use the normalised column: normalisation need not preserve substrings.
      ['userName sw "Bo"', 'sqlite', "LOWER(u.user_name) LIKE LOWER(?) ESCAPE '!'", ['Bo%']],
      ['externalId co "a*?[b"', 'sqlite', 'u.external_id GLOB ?', ['*a[*][?][[]b*']],
      ['externalId sw "A"', 'sqlite', 'u.external_id GLOB ?', ['A*']],
      ['externalId ew "A%"', 'mysql', "CAST(u.external_id AS BINARY) LIKE CAST(? AS BINARY) ESCAPE '!'", ['%A!%']],
      ['displayName gt "m"', 'sqlite', 'LOWER(u.display_name) > LOWER(?)', ['m']],
      ['externalId le "m"', 'mysql', 'CAST(u.external_id AS BINARY) <= CAST(? AS BINARY)', ['m']],
      ['displayName pr', 'sqlite', '(u.display_name IS NOT NULL AND LENGTH(u.display_name) > 0)', []],
      ['displayName eq null', 'sqlite', '(NOT ((u.display_name IS NOT NULL AND LENGTH(u.display_name) > 0)))', []],
      ['displayName ne null', 'mysql', '(u.display_name IS NOT NULL AND LENGTH(u.display_name) > 0)', []],
      ['name.givenName eq "Ann"', 'sqlite', 'LOWER(u.given_name) = LOWER(?)', ['Ann']],
      ['id eq "2819c223"', 'sqlite', 'u.id = ?', ['2819c223']],
    ])('%s (%s)', (filter, dialect, sql, params) => {
      expect(compile(filter, dialect)).toEqual({ sql, params });
    });
  });

  describe('attribute names', () => {
    it.each([
      'USERNAME eq "a"',
      'username eq "a"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"',
      'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:USERNAME eq "a"',
    ])('%s resolves to userName', (filter) => {
      expect(compile(filter)).toEqual({ sql: 'u.user_name_key = ?', params: ['k:a'] });
    });

    it.each(['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R&D"', 'department eq "R&D"', 'DEPARTMENT eq "R&D"'])(
      '%s resolves to the enterprise department',
      (filter) => {
        expect(compile(filter)).toEqual({ sql: 'LOWER(u.department) = LOWER(?)', params: ['R&D'] });
      },
    );

    it.each(['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1"', 'manager.value eq "m1"'])(
      '%s resolves to the manager column',
      (filter) => {
        expect(compile(filter)).toEqual({ sql: 'u.manager_id = ?', params: ['m1'] });
      },
    );

    it('refuses a bare extension name that two extensions share', () => {
      const map: AttributeMap = {
        coreSchema: CORE_USER_URN,
        attributes: { 'urn:a:User:code': text('a.code'), 'urn:b:User:code': text('b.code') },
      };
      expectInvalidFilter(() => compile('code eq "x"', 'sqlite', map), /ambiguous/);
      expect(compile('urn:b:User:code eq "x"', 'sqlite', map).sql).toBe('LOWER(b.code) = LOWER(?)');
    });

    it.each([
      ['nickName eq "x"', /Filtering on "nickName" is not supported/],
      ['name.familyName eq "x"', /Filtering on "name.familyName" is not supported/],
      ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "x"', /not supported/],
      ['urn:x:y:department eq "x"', /not supported/],
      ['emails.display eq "x"', /Filtering on "emails.display" is not supported/],
      ['emails[display eq "x"]', /Filtering on "emails.display" is not supported/],
      ['emails eq "x"', /multi-valued/],
      ['groups[value eq "x"]', /Filtering on "groups" is not supported/],
      ['userName.x eq "x"', /not supported/],
    ])('%s → 400 invalidFilter', (filter, detail) => {
      expectInvalidFilter(() => compile(filter), detail);
    });
  });

  describe('value types', () => {
    it.each<[string, SqlDialect, string, unknown[]]>([
      ['active eq true', 'sqlite', '(u.archived_at IS NULL) = ?', [1]],
      ['active eq false', 'mysql', '(u.archived_at IS NULL) = ?', [0]],
      ['active eq "False"', 'sqlite', '(u.archived_at IS NULL) = ?', [0]],
      ['active ne true', 'sqlite', '((u.archived_at IS NULL) IS NULL OR (u.archived_at IS NULL) <> ?)', [1]],
      ['active pr', 'sqlite', '(u.archived_at IS NULL) IS NOT NULL', []],
      ['meta.version ge 3', 'sqlite', 'u.version >= ?', [3]],
      ['meta.version ne 3', 'sqlite', '(u.version IS NULL OR u.version <> ?)', [3]],
      ['meta.created gt "2024-05-01T10:00:00+02:00"', 'sqlite', 'u.created_at > ?', ['2024-05-01 08:00:00.000']],
      ['meta.created lt "2015-10-10T14:38:21.8617979-07:00"', 'sqlite', 'u.created_at < ?', ['2015-10-10 21:38:21.861']],
    ])('%s (%s)', (filter, dialect, sql, params) => {
      expect(compile(filter, dialect)).toEqual({ sql, params });
    });

    it('binds a dateTime as a Date on mysql, or through encode', () => {
      expect(compile('meta.created eq "2024-05-01T00:00:00Z"', 'mysql')).toEqual({
        sql: 'u.created_at = ?',
        params: [new Date('2024-05-01T00:00:00Z')],
      });
      const map: AttributeMap = {
        coreSchema: CORE_USER_URN,
        attributes: {
          'meta.created': {
            kind: 'column',
            sql: 'u.created_at',
            type: 'dateTime',
            caseExact: false,
            encode: (value) => (value instanceof Date ? value.getTime() : value),
          },
        },
      };
      expect(compile('meta.created ge "1970-01-01T00:00:01Z"', 'sqlite', map)).toEqual({ sql: 'u.created_at >= ?', params: [1000] });
    });

    it.each([
      ['active eq "maybe"', /true or false/],
      ['active eq 1', /true or false/],
      ['active gt true', /boolean/],
      ['active co true', /boolean/],
      ['userName eq 42', /quoted string/],
      ['userName eq true', /quoted string/],
      ['userName gt null', /null can only be compared with eq or ne/],
      ['meta.version eq "3"', /integer/],
      ['meta.version eq 3.5', /integer/],
      ['meta.version co 3', /strings only/],
      ['meta.created gt "yesterday"', /ISO 8601/],
      ['meta.created gt "2024-02-30T00:00:00Z"', /ISO 8601/],
      ['meta.created sw "2024-01-01T00:00:00Z"', /strings only/],
      // `primary` is fixed on the work email only; no phone element knows it.
      ['phoneNumbers[primary eq true]', /Filtering on "phoneNumbers.primary" is not supported/],
      ['emails[type eq 5]', /quoted string/],
      ['emails[primary eq "yes"]', /true or false/],
      ['emails[primary gt true]', /boolean/],
    ])('%s → 400 invalidFilter', (filter, detail) => {
      expectInvalidFilter(() => compile(filter), detail);
    });
  });

  describe('logical operators', () => {
    it('keeps and/or structure with parentheses', () => {
      expect(compile('userName eq "a" or displayName eq "b" and externalId eq "c"')).toEqual({
        sql: '(u.user_name_key = ? OR (LOWER(u.display_name) = LOWER(?) AND u.external_id = ?))',
        params: ['k:a', 'b', 'c'],
      });
    });

    it('makes not two-valued, so rows with NULLs are included', () => {
      expect(compile('not (displayName eq "b")')).toEqual({
        sql: '(NOT COALESCE(LOWER(u.display_name) = LOWER(?), 0))',
        params: ['b'],
      });
      expect(compile('not (displayName pr)')).toEqual({
        sql: '(NOT ((u.display_name IS NOT NULL AND LENGTH(u.display_name) > 0)))',
        params: [],
      });
    });

    it('binds hostile values and never inlines them', () => {
      const filter = 'displayName eq "x\' OR \'1\'=\'1" or externalId eq "\\"; DROP TABLE users; --"';
      const { sql, params } = compile(filter, 'mysql');
      expect(sql).not.toContain('DROP');
      expect(sql).not.toContain("'1'");
      expect(params).toEqual(["x' OR '1'='1", '"; DROP TABLE users; --', '"; DROP TABLE users; --']);
    });
  });

  describe('multi-valued attributes in fixed columns', () => {
    it.each<[string, string, unknown[]]>([
      ['emails[type eq "work"].value eq "A@x"', '(u.email IS NOT NULL AND LOWER(u.email) = LOWER(?))', ['A@x']],
      ['emails[type eq "work" and value co "@x"]', "(u.email IS NOT NULL AND LOWER(u.email) LIKE LOWER(?) ESCAPE '!')", ['%@x%']],
      ['emails.value eq "A@x"', '(u.email IS NOT NULL AND LOWER(u.email) = LOWER(?))', ['A@x']],
      ['emails[TYPE EQ "WORK"]', 'u.email IS NOT NULL', []],
      ['emails[primary eq true]', 'u.email IS NOT NULL', []],
      ['emails pr', 'u.email IS NOT NULL', []],
      ['emails.type eq "work"', 'u.email IS NOT NULL', []],
      // No element can match: a legitimate empty result, not an unsupported attribute.
      ['emails[type eq "home"]', '1=0', []],
      ['emails[type eq "other"].value eq "A@x"', '1=0', []],
      ['emails[primary eq false]', '1=0', []],
      ['not (emails[type eq "home"])', '1=1', []],
      ['phoneNumbers pr', '((u.work_phone IS NOT NULL AND LENGTH(u.work_phone) > 0) OR (u.mobile_phone IS NOT NULL AND LENGTH(u.mobile_phone) > 0))', []],
      [
        'phoneNumbers[type eq "mobile"].value sw "+44"',
        "((u.mobile_phone IS NOT NULL AND LENGTH(u.mobile_phone) > 0) AND LOWER(u.mobile_phone) LIKE LOWER(?) ESCAPE '!')",
        ['+44%'],
      ],
      [
        'phoneNumbers.value eq "1"',
        '(((u.work_phone IS NOT NULL AND LENGTH(u.work_phone) > 0) AND LOWER(u.work_phone) = LOWER(?)) OR ((u.mobile_phone IS NOT NULL AND LENGTH(u.mobile_phone) > 0) AND LOWER(u.mobile_phone) = LOWER(?)))',
        ['1', '1'],
      ],
      ['phoneNumbers[type ne "work"]', '(u.mobile_phone IS NOT NULL AND LENGTH(u.mobile_phone) > 0)', []],
      ['phoneNumbers[not (type eq "work")]', '(u.mobile_phone IS NOT NULL AND LENGTH(u.mobile_phone) > 0)', []],
      ['phoneNumbers[type sw "MOB"]', '(u.mobile_phone IS NOT NULL AND LENGTH(u.mobile_phone) > 0)', []],
    ])('%s', (filter, sql, params) => {
      expect(compile(filter)).toEqual({ sql, params });
    });
  });

  describe('multi-valued attributes in rows', () => {
    it.each<[string, string, unknown[]]>([
      ['members[value eq "u1"]', 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND gm.user_id = ?)', ['u1']],
      ['members.value eq "u1"', 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND gm.user_id = ?)', ['u1']],
      ['members pr', 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND 1=1)', []],
      ['members[type eq "User" and value eq "u1"]', 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND gm.user_id = ?)', ['u1']],
      ['members[type eq "Group"]', '1=0', []],
      [
        'displayName eq "G" and not (members pr)',
        '(LOWER(g.display_name) = LOWER(?) AND (NOT (EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND 1=1))))',
        ['G'],
      ],
      [
        'members[value eq "a" or value eq "b"]',
        'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND (gm.user_id = ? OR gm.user_id = ?))',
        ['a', 'b'],
      ],
    ])('%s', (filter, sql, params) => {
      expect(compile(filter, 'sqlite', GROUPS)).toEqual({ sql, params });
    });

    it('puts the MySQL exact comparison inside the subquery', () => {
      expect(compile('members[value eq "u1"]', 'mysql', GROUPS)).toEqual({
        sql: 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND (gm.user_id = ? AND CAST(gm.user_id AS BINARY) = CAST(? AS BINARY)))',
        params: ['u1', 'u1'],
      });
    });
  });

  describe('value paths on single-valued complex attributes', () => {
    it('reads the flat sub-attribute keys', () => {
      expect(compile('name[givenName eq "Ann"]')).toEqual({ sql: 'LOWER(u.given_name) = LOWER(?)', params: ['Ann'] });
      expectInvalidFilter(() => compile('name[familyName eq "Ann"]'), /name.familyName/);
    });
  });
});

describe('toNamedParameters', () => {
  it('numbers the placeholders in order', () => {
    const predicate = compile('userName eq "a" or externalId eq "b"', 'mysql');
    expect(toNamedParameters(predicate)).toEqual({
      sql: '((u.user_name_key = :scim0 AND CAST(u.user_name_key AS BINARY) = CAST(:scim1 AS BINARY)) OR (u.external_id = :scim2 AND CAST(u.external_id AS BINARY) = CAST(:scim3 AS BINARY)))',
      params: { scim0: 'k:a', scim1: 'k:a', scim2: 'b', scim3: 'b' },
    });
    expect(toNamedParameters({ sql: '1=0', params: [] }, 'f')).toEqual({ sql: '1=0', params: {} });
  });

  it('refuses a prefix that is not an identifier', () => {
    expect(() => toNamedParameters({ sql: '?', params: [1] }, 'a b')).toThrow(/prefix/);
  });
});
