// Runs compiled filters on real engines: in-memory SQLite (better-sqlite3) and MariaDB/MySQL
// (mysql2, 127.0.0.1:3306, root). The MySQL part fails, never skips, when the server is down.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { CORE_GROUP_URN, CORE_USER_URN, ENTERPRISE_USER_URN } from '../messages';
import { AttributeMap, ColumnMapping, SqlDialect } from './attribute-map';
import { parseFilter } from './filter-parser';
import { compileFilter } from './sql-compiler';

// The repo has no @types/better-sqlite3; this is the slice of its API the test uses.
interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (filename: string) => SqliteDatabase;

const MYSQL = { host: process.env.SCIM_TEST_MYSQL_HOST ?? '127.0.0.1', port: 3306, user: 'root', password: '' };

const column = (sql: string, caseExact = false): ColumnMapping => ({ kind: 'column', sql, type: 'string', caseExact });
/** Stands in for the app's normalisation (libs/database normalizedKey hashes the same input). */
const normalize = (value: string): string => value.normalize('NFC').trim().toLowerCase();

const USER_MAP: AttributeMap = {
  coreSchema: CORE_USER_URN,
  attributes: {
    id: column('u.id', true),
    userName: { ...column('u.user_name'), normalized: { sql: 'u.user_name_normalized', normalize } },
    externalId: column('u.external_id', true),
    displayName: column('u.display_name'),
    'name.givenName': column('u.given_name'),
    'name.familyName': column('u.family_name'),
    title: column('u.title'),
    active: { kind: 'column', sql: '(u.archived_at IS NULL)', type: 'boolean', caseExact: false },
    'meta.created': { kind: 'column', sql: 'u.created_at', type: 'dateTime', caseExact: false },
    'meta.version': { kind: 'column', sql: 'u.version', type: 'integer', caseExact: false },
    emails: {
      kind: 'fixedElements',
      elements: [{ constants: { type: 'work', primary: true }, present: 'u.email IS NOT NULL', subAttributes: { value: column('u.email') } }],
    },
    phoneNumbers: {
      kind: 'fixedElements',
      elements: [
        { constants: { type: 'work' }, subAttributes: { value: column('u.work_phone') } },
        { constants: { type: 'mobile' }, subAttributes: { value: column('u.mobile_phone') } },
      ],
    },
    addresses: {
      kind: 'fixedElements',
      elements: [
        {
          constants: { type: 'work' },
          subAttributes: { streetAddress: column('u.street'), locality: column('u.locality'), country: column('u.country') },
        },
      ],
    },
    [`${ENTERPRISE_USER_URN}:department`]: column('u.department'),
    [`${ENTERPRISE_USER_URN}:manager.value`]: column('u.manager_id', true),
  },
};

const GROUP_MAP: AttributeMap = {
  coreSchema: CORE_GROUP_URN,
  attributes: {
    displayName: column('g.display_name'),
    externalId: column('g.external_id', true),
    members: {
      kind: 'rows',
      exists: 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND %s)',
      constants: { type: 'User' },
      subAttributes: { value: column('gm.user_id', true) },
    },
  },
};

interface UserRow {
  id: string;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  title: string | null;
  email: string | null;
  work_phone: string | null;
  mobile_phone: string | null;
  street: string | null;
  locality: string | null;
  country: string | null;
  department: string | null;
  manager_id: string | null;
  archived: boolean;
  created_at: string;
  version: number;
}

const base: Omit<UserRow, 'id' | 'user_name' | 'created_at'> = {
  external_id: null,
  display_name: null,
  given_name: null,
  family_name: null,
  title: null,
  email: null,
  work_phone: null,
  mobile_phone: null,
  street: null,
  locality: null,
  country: null,
  department: null,
  manager_id: null,
  archived: false,
  version: 1,
};

const USERS: UserRow[] = [
  {
    ...base,
    id: 'u1',
    user_name: 'alice@example.com',
    external_id: 'ExtA',
    display_name: 'Alice Smith',
    given_name: 'Alice',
    family_name: 'Smith',
    title: 'Engineer',
    email: 'alice@example.com',
    work_phone: '+1 555 0100',
    department: 'R&D',
    manager_id: 'u2',
    created_at: '2024-01-01T00:00:00.000Z',
    version: 3,
  },
  {
    ...base,
    id: 'u2',
    user_name: 'Bob@Example.com',
    external_id: 'exta',
    display_name: 'Bob Jones',
    email: 'bob@example.org',
    department: 'Sales',
    archived: true,
    created_at: '2024-06-01T12:30:00.000Z',
  },
  {
    ...base,
    id: 'u3',
    user_name: '100%_sure!@example.com',
    external_id: 'ext_3',
    display_name: '100% sure_thing!',
    title: 'Manager',
    created_at: '2023-12-31T23:59:59.999Z',
  },
  {
    ...base,
    id: 'u4',
    user_name: 'ÉLODIE@example.fr',
    external_id: 'Ext-É',
    display_name: 'Élodie Dupré',
    given_name: 'Élodie',
    email: 'elodie@example.fr',
    mobile_phone: '+33 6 12 34 56 78',
    department: 'Ventes & Marché',
    created_at: '2024-03-15T08:00:00.000Z',
  },
  {
    ...base,
    id: 'u5',
    user_name: 'zoë@example.com',
    display_name: 'zoë',
    title: '',
    external_id: 'ext%5',
    created_at: '2024-03-15T08:00:00.001Z',
  },
  {
    ...base,
    id: 'u6',
    user_name: 'carol@example.com',
    external_id: 'EXT-6',
    display_name: 'Carol 1000x',
    given_name: 'Carol',
    family_name: "O'Malley",
    street: '1 Main St',
    locality: 'Springfield',
    country: 'US',
    created_at: '2025-01-01T00:00:00.000Z',
  },
];

const GROUPS = [
  { id: 'g1', display_name: 'Engineering', external_id: 'G-1' },
  { id: 'g2', display_name: 'Empty Group', external_id: 'g-2' },
  { id: 'g3', display_name: 'Sales', external_id: null },
];
const MEMBERS = [
  ['g1', 'u1'],
  ['g1', 'u3'],
  ['g3', 'u2'],
  ['g3', 'u1'],
];

const ALL = USERS.map((user) => user.id);
const except = (...ids: string[]): string[] => ALL.filter((id) => !ids.includes(id));

// [filter, expected user ids]. Each runs on both engines and must return exactly these rows.
const USER_CASES: [string, string[]][] = [
  // Entra's lookups: case-insensitive userName, exact externalId.
  ['userName eq "alice@example.com"', ['u1']],
  ['userName eq "ALICE@EXAMPLE.COM"', ['u1']],
  ['UserName Eq "bob@example.com"', ['u2']],
  ['userName eq "élodie@example.fr"', ['u4']],
  ['userName eq "ÉLODIE@EXAMPLE.FR"', ['u4']],
  ['userName eq "elodie@example.fr"', []],
  ['userName eq "ZOË@EXAMPLE.COM"', ['u5']],
  ['userName eq "\\u00c9lodie@example.fr"', ['u4']],
  ['userName eq "7d420df3-9995-4831-a406-ecf8166f5f6a"', []],
  ['externalId eq "ExtA"', ['u1']],
  ['externalId eq "exta"', ['u2']],
  ['externalId eq "EXTA"', []],
  ['externalId eq "Ext-É"', ['u4']],
  ['externalId eq "Ext-E"', []],
  ['externalId ne "ExtA"', except('u1')],
  ['externalId sw "ext"', ['u2', 'u3', 'u5']],
  ['externalId sw "Ext"', ['u1', 'u4']],
  ['externalId co "_"', ['u3']],
  ['externalId co "%"', ['u5']],
  ['externalId ew "A"', ['u1']],
  ['externalId gt "ext"', ['u2', 'u3', 'u5']],
  // LIKE metacharacters are literal.
  ['displayName co "%"', ['u3']],
  ['displayName co "_"', ['u3']],
  ['displayName co "!"', ['u3']],
  ['displayName co "0% s"', ['u3']],
  ['displayName co "0%s"', []],
  ['displayName co "b_j"', []],
  ['userName sw "100%_"', ['u3']],
  ['userName sw "1000"', []],
  ['userName co "!@"', ['u3']],
  ['displayName ew "SMITH"', ['u1']],
  ['displayName sw "bob"', ['u2']],
  ['displayName co "1000X"', ['u6']],
  // Unicode (exact non-ASCII characters; SQLite folds ASCII case only).
  ['displayName eq "zoë"', ['u5']],
  ['displayName eq "ZOë"', ['u5']],
  ['displayName eq "zoe"', []],
  ['displayName co "lodie"', ['u4']],
  ['displayName sw "Élodie"', ['u4']],
  ['displayName ew "DUPRé"', ['u4']],
  ['displayName eq "\\u00c9lodie Dupr\\u00e9"', ['u4']],
  ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "ventes & marché"', ['u4']],
  ['department eq "Ventes & Marche"', []],
  ['name.familyName eq "o\'malley"', ['u6']],
  // Presence, null and ne.
  ['title pr', ['u1', 'u3']],
  ['not (title pr)', except('u1', 'u3')],
  ['title eq null', except('u1', 'u3')],
  ['title ne null', ['u1', 'u3']],
  ['title ne "engineer"', except('u1')],
  ['not (title eq "Engineer")', except('u1')],
  ['title eq ""', ['u5']],
  // Booleans and numbers.
  ['active eq true', except('u2')],
  ['active eq false', ['u2']],
  ['active eq "False"', ['u2']],
  ['active ne true', ['u2']],
  ['meta.version gt 1', ['u1']],
  ['meta.version eq 1', except('u1')],
  // dateTimes compare as instants, whatever the offset.
  ['meta.created gt "2024-03-15T08:00:00Z"', ['u2', 'u5', 'u6']],
  ['meta.created ge "2024-03-15T10:00:00+02:00"', ['u2', 'u4', 'u5', 'u6']],
  ['meta.created lt "2024-01-01T01:00:00+01:00"', ['u3']],
  ['meta.created le "2024-01-01T01:00:00+01:00"', ['u1', 'u3']],
  ['meta.created eq "2024-03-15T08:00:00.001Z"', ['u5']],
  // Multi-valued attributes in fixed columns.
  ['emails[type eq "work"].value eq "ALICE@example.com"', ['u1']],
  ['emails[type eq "work" and value co "@example."]', ['u1', 'u2', 'u4']],
  ['emails.value co "example.org"', ['u2']],
  ['emails pr', ['u1', 'u2', 'u4']],
  ['not (emails pr)', ['u3', 'u5', 'u6']],
  ['emails[type eq "home"]', []],
  ['not (emails[type eq "home"])', ALL],
  ['phoneNumbers[type eq "mobile"]', ['u4']],
  ['phoneNumbers.value sw "+1"', ['u1']],
  ['phoneNumbers[not (type eq "work")].value pr', ['u4']],
  ['phoneNumbers pr', ['u1', 'u4']],
  ['addresses[type eq "work"].locality eq "springfield"', ['u6']],
  ['addresses[type eq "work" and country eq "US"]', ['u6']],
  ['addresses pr', ['u6']],
  // Enterprise extension.
  ['department eq "r&d"', ['u1']],
  ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "u2"', ['u1']],
  ['manager.value pr', ['u1']],
  // Precedence: and binds tighter than or; not and parentheses.
  ['userName sw "a" or userName sw "b" and active eq true', ['u1']],
  ['(userName sw "a" or userName sw "b") and active eq true', ['u1']],
  ['userName sw "b" or userName sw "c" and title pr', ['u2']],
  ['(userName sw "b" or userName sw "c") and not (title pr)', ['u2', 'u6']],
  ['not (userName sw "a" or userName sw "b")', except('u1', 'u2')],
  ['not (not (userName sw "a"))', ['u1']],
  ['title pr and (department eq "R&D" or department eq "Sales") or displayName eq "zoë"', ['u1', 'u5']],
  // Injection attempts are just values.
  ["displayName eq \"x' OR '1'='1\"", []],
  ['displayName eq "Alice Smith\'; DROP TABLE users; --"', []],
  ['id eq "u3"', ['u3']],
  ['id eq "U3"', []],
];

// Where the engines legitimately differ: SQLite's LOWER folds ASCII letters only, MySQL's
// folds all of Unicode. Attributes that need Unicode folding get a `normalized` column.
const DIVERGENT_CASES: [string, { sqlite: string[]; mysql: string[] }][] = [
  ['name.givenName eq "élodie"', { sqlite: [], mysql: ['u4'] }],
  ['displayName sw "ÉLODIE"', { sqlite: ['u4'], mysql: ['u4'] }],
  ['displayName sw "élodie"', { sqlite: [], mysql: ['u4'] }],
];

const GROUP_CASES: [string, string[]][] = [
  ['displayName eq "engineering"', ['g1']],
  ['externalId eq "g-2"', ['g2']],
  ['externalId eq "G-2"', []],
  ['members[value eq "u1"]', ['g1', 'g3']],
  ['members.value eq "u3"', ['g1']],
  ['members[value eq "U3"]', []],
  ['members pr', ['g1', 'g3']],
  ['not (members pr)', ['g2']],
  ['members[value eq "u2" or value eq "u3"]', ['g1', 'g3']],
  ['members[type eq "User" and value eq "u2"]', ['g3']],
  ['members[type eq "Group"]', []],
  ['displayName sw "E" and not (members[value eq "u3"])', ['g2']],
];

interface Engine {
  dialect: SqlDialect;
  exec(sql: string, params?: unknown[]): Promise<void>;
  rows(sql: string, params: unknown[]): Promise<unknown[]>;
  ids(sql: string, params: unknown[]): Promise<string[]>;
  close(): Promise<void>;
}

const SCHEMA_SQL = (textType: string, dateType: string): string[] => [
  `CREATE TABLE users (
    id ${textType} PRIMARY KEY, user_name ${textType} NOT NULL, user_name_normalized ${textType} NOT NULL,
    external_id ${textType}, display_name ${textType}, given_name ${textType}, family_name ${textType},
    title ${textType}, email ${textType}, work_phone ${textType}, mobile_phone ${textType}, street ${textType},
    locality ${textType}, country ${textType}, department ${textType}, manager_id ${textType},
    archived_at ${dateType}, created_at ${dateType} NOT NULL, version INTEGER NOT NULL)`,
  `CREATE INDEX users_user_name_normalized ON users (user_name_normalized)`,
  `CREATE TABLE scim_groups (id ${textType} PRIMARY KEY, display_name ${textType} NOT NULL, external_id ${textType})`,
  `CREATE TABLE group_members (group_id ${textType} NOT NULL, user_id ${textType} NOT NULL, PRIMARY KEY (group_id, user_id))`,
];

async function seed(engine: Engine, toDate: (iso: string) => unknown): Promise<void> {
  for (const user of USERS) {
    await engine.exec(`INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      user.id,
      user.user_name,
      normalize(user.user_name),
      user.external_id,
      user.display_name,
      user.given_name,
      user.family_name,
      user.title,
      user.email,
      user.work_phone,
      user.mobile_phone,
      user.street,
      user.locality,
      user.country,
      user.department,
      user.manager_id,
      user.archived ? toDate('2024-07-01T00:00:00.000Z') : null,
      toDate(user.created_at),
      user.version,
    ]);
  }
  for (const group of GROUPS) {
    await engine.exec('INSERT INTO scim_groups VALUES (?, ?, ?)', [group.id, group.display_name, group.external_id]);
  }
  for (const [groupId, userId] of MEMBERS) {
    await engine.exec('INSERT INTO group_members VALUES (?, ?)', [groupId, userId]);
  }
}

function sqliteEngine(): Engine {
  const db = new Database(':memory:');
  return {
    dialect: 'sqlite',
    exec: async (sql, params = []) => {
      db.prepare(sql).run(...params);
    },
    rows: async (sql, params) => db.prepare(sql).all(...params),
    ids: async (sql, params) => (db.prepare(sql).all(...params) as { id: string }[]).map((row) => row.id),
    close: async () => db.close(),
  };
}

async function mysqlEngine(database: string): Promise<Engine> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({ ...MYSQL, timezone: 'Z', charset: 'utf8mb4' });
  } catch (err) {
    throw new Error(`MariaDB/MySQL is required for this test at ${MYSQL.host}:${MYSQL.port} (user root, no password): ${(err as Error).message}`);
  }
  // Deliberately a case- and accent-insensitive collation: the compiled SQL must not depend on it.
  await connection.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.query(`USE \`${database}\``);
  return {
    dialect: 'mysql',
    exec: async (sql, params = []) => {
      await connection.query(sql, params);
    },
    rows: async (sql, params) => (await connection.query(sql, params))[0] as unknown[],
    // `query` (client-side binding) is what TypeORM uses with mysql2.
    ids: async (sql, params) => {
      const [rows] = await connection.query(sql, params);
      return (rows as { id: string }[]).map((row) => row.id);
    },
    close: async () => {
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

describe.each<[SqlDialect]>([['sqlite'], ['mysql']])('compiled filters on %s', (dialect) => {
  let engine: Engine;
  const database = `scimproto_test_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    if (dialect === 'sqlite') {
      engine = sqliteEngine();
      for (const statement of SCHEMA_SQL('TEXT', 'TEXT')) await engine.exec(statement);
      // TypeORM's SQLite datetime text, which the compiler's default binding matches.
      await seed(engine, (iso) => iso.replace('T', ' ').replace('Z', ''));
    } else {
      expect(database).toMatch(/test/);
      engine = await mysqlEngine(database);
      for (const statement of SCHEMA_SQL('VARCHAR(191)', 'DATETIME(3)')) await engine.exec(statement);
      await seed(engine, (iso) => new Date(iso));
    }
  });

  afterAll(async () => {
    await engine?.close();
  });

  it.each(USER_CASES)('users: %s', async (filter, expected) => {
    const { sql, params } = compileFilter(parseFilter(filter), USER_MAP, dialect);
    const ids = await engine.ids(`SELECT u.id FROM users u WHERE ${sql} ORDER BY u.id`, params);
    expect(ids).toEqual([...expected].sort());
  });

  it.each(DIVERGENT_CASES)('users, engine-specific: %s', async (filter, expected) => {
    const { sql, params } = compileFilter(parseFilter(filter), USER_MAP, dialect);
    const ids = await engine.ids(`SELECT u.id FROM users u WHERE ${sql} ORDER BY u.id`, params);
    expect(ids).toEqual(expected[dialect]);
  });

  it.each(GROUP_CASES)('groups: %s', async (filter, expected) => {
    const { sql, params } = compileFilter(parseFilter(filter), GROUP_MAP, dialect);
    const ids = await engine.ids(`SELECT g.id FROM scim_groups g WHERE ${sql} ORDER BY g.id`, params);
    expect(ids).toEqual([...expected].sort());
  });

  it('leaves the userName lookup able to use the normalised-column index', async () => {
    const { sql, params } = compileFilter(parseFilter('userName eq "Alice@Example.com"'), USER_MAP, dialect);
    const explain = dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN';
    const plan = JSON.stringify(await engine.rows(`${explain} SELECT u.id FROM users u WHERE ${sql}`, params));
    // SQLite names the index in its plan; MySQL lists it among the usable keys.
    expect(plan).toContain('users_user_name_normalized');
  });
});
