import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite file and port 3000', () => {
    const c = loadConfig({});
    expect(c.database).toEqual({
      type: 'sqlite',
      path: './data/app.sqlite',
      migrationsRun: true,
      logging: false,
      queryTimeoutMs: 1500,
      connectRetrySeconds: 30,
    });
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('serves the API docs unless DOCS_ENABLED=false', () => {
    expect(loadConfig({}).docs).toEqual({ enabled: true });
    expect(loadConfig({ DOCS_ENABLED: 'false' }).docs).toEqual({ enabled: false });
    expect(() => loadConfig({ DOCS_ENABLED: 'off' })).toThrow(/DOCS_ENABLED/);
  });

  it('issues OAuth access tokens for 60 to 360 minutes (OAUTH_ACCESS_TOKEN_MINUTES, default 60)', () => {
    expect(loadConfig({}).oauth).toEqual({ accessTokenMinutes: 60 });
    expect(loadConfig({ OAUTH_ACCESS_TOKEN_MINUTES: '360' }).oauth).toEqual({ accessTokenMinutes: 360 });
    expect(() => loadConfig({ OAUTH_ACCESS_TOKEN_MINUTES: '59' })).toThrow(/OAUTH_ACCESS_TOKEN_MINUTES/);
    expect(() => loadConfig({ OAUTH_ACCESS_TOKEN_MINUTES: '361' })).toThrow(/OAUTH_ACCESS_TOKEN_MINUTES/);
  });

  it('reads Entra signing keys over https, plain http only under NODE_ENV=test', () => {
    expect(loadConfig({}).entra).toEqual({ authorityUrl: 'https://login.microsoftonline.com' });
    expect(loadConfig({ ENTRA_AUTHORITY_URL: 'https://login.microsoftonline.us/' }).entra.authorityUrl).toBe('https://login.microsoftonline.us');
    expect(() => loadConfig({ ENTRA_AUTHORITY_URL: 'http://127.0.0.1:8080' })).toThrow(/ENTRA_AUTHORITY_URL/);
    expect(loadConfig({ ENTRA_AUTHORITY_URL: 'http://127.0.0.1:8080', NODE_ENV: 'test' }).entra.authorityUrl).toBe('http://127.0.0.1:8080');
    expect(() => loadConfig({ ENTRA_AUTHORITY_URL: 'ftp://example.com' })).toThrow(/ENTRA_AUTHORITY_URL/);
  });

  it('reads a MySQL URL, pool size and the migrations switch', () => {
    const c = loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/app', DB_MIGRATIONS_RUN: 'false', DB_POOL_SIZE: '4' });
    expect(c.database).toEqual({
      type: 'mysql',
      url: 'mysql://u:p@db:3306/app',
      poolSize: 4,
      migrationsRun: false,
      logging: false,
      queryTimeoutMs: 1500,
      connectRetrySeconds: 30,
    });
  });

  it('reads the database time limits', () => {
    const c = loadConfig({ DB_QUERY_TIMEOUT_MS: '5000', DB_CONNECT_RETRY_SECONDS: '0' });
    expect(c.database).toMatchObject({ queryTimeoutMs: 5000, connectRetrySeconds: 0 });
  });

  it('strips a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://people.example.com/' }).publicUrl).toBe('https://people.example.com');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://x' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'not a url' }],
    ['DB_MIGRATIONS_RUN', { DB_MIGRATIONS_RUN: 'maybe' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['DB_QUERY_TIMEOUT_MS', { DB_QUERY_TIMEOUT_MS: '10' }],
    ['DB_CONNECT_RETRY_SECONDS', { DB_CONNECT_RETRY_SECONDS: '-1' }],
  ])('names %s when it is invalid', (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });

  it.each([
    [undefined, false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    [' 10.0.0.0/8 , 192.168.1.0/24,::1, fd00::/8,loopback ', ['10.0.0.0/8', '192.168.1.0/24', '::1', 'fd00::/8', 'loopback']],
  ])('reads TRUST_PROXY=%s as Fastify trustProxy %p', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    ['maybe', /not an address or CIDR: "maybe"/],
    ['10.0.0.0/8,10.0.0.300', /not an address or CIDR: "10.0.0.300"/],
    ['10.0.0.0/33', /not an address or CIDR/],
    ['10.0.0.0/0', /not an address or CIDR/],
    ['::1/129', /not an address or CIDR/],
    ['10.0.0.1,', /not an address or CIDR: ""/],
    ['101', /hop count from 1 to 100/],
  ])('refuses TRUST_PROXY=%s, naming the variable and the bad entry', (value, message) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(message);
  });

  it('reads the three sign-in limits and the window', () => {
    expect(loadConfig({}).loginLimits).toEqual({ perAccount: 5, perIp: 50, perAccountAnyAddress: 100, windowMs: 15 * 60_000 });
    const c = loadConfig({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '20',
      LOGIN_MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS: '40',
      LOGIN_WINDOW_MINUTES: '5',
    });
    expect(c.loginLimits).toEqual({ perAccount: 3, perIp: 20, perAccountAnyAddress: 40, windowMs: 5 * 60_000 });
    expect(() => loadConfig({ LOGIN_MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS: '0' })).toThrow(/LOGIN_MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS/);
  });

  it('lists every invalid variable at once', () => {
    try {
      loadConfig({ PORT: '-1', DATABASE_URL: 'oracle://x' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).problems).toHaveLength(2);
    }
  });
});

describe('.env.example', () => {
  const lines = readFileSync(join(__dirname, '../../../.env.example'), 'utf8').split('\n');

  it('lists exactly the variables the service reads', () => {
    const listed = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    expect(listed.sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('explains each variable in a comment on the line above', () => {
    lines.forEach((line, i) => {
      if (/^[A-Z_]+=/.test(line)) expect(lines[i - 1]).toMatch(/^# \S/);
    });
  });

  it('holds values the service accepts', () => {
    const env = Object.fromEntries(lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(() => loadConfig(env)).not.toThrow();
  });
});

describe('secrets and single sign-on settings', () => {
  const key = Buffer.alloc(32, 7).toString('base64');

  it('SECRETS_ENCRYPTION_KEY is 32 bytes of base64, and required in production', () => {
    expect(loadConfig({ SECRETS_ENCRYPTION_KEY: key }).secrets.key).toEqual(Buffer.alloc(32, 7));
    expect(loadConfig({}).secrets).toEqual({ key: null, keyFile: './data/secrets.key' });
    expect(() => loadConfig({ SECRETS_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/SECRETS_ENCRYPTION_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRETS_ENCRYPTION_KEY: required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY: key }).env).toBe('production');
  });

  describe('SECRETS_ENCRYPTION_KEY_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-key-'));
    const fileWith = (name: string, content: string): string => {
      const file = join(dir, name);
      writeFileSync(file, content, { mode: 0o600 });
      return file;
    };
    /** The problems of a refused configuration, which must never show the file's content. */
    const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
      try {
        loadConfig(env);
      } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
      }
      throw new Error('expected a ConfigError');
    };

    it('reads the key from the file it names, a trailing newline ignored, in production too', () => {
      const file = fileWith('key', `${key}\n`);
      expect(loadConfig({ SECRETS_ENCRYPTION_KEY_FILE: file }).secrets.key).toEqual(Buffer.alloc(32, 7));
      const c = loadConfig({ NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY_FILE: file });
      expect(c.env).toBe('production');
      expect(c.secrets.key).toEqual(Buffer.alloc(32, 7));
    });

    it('refuses a file that does not hold 32 bytes of base64, naming the variable and the file, never the content', () => {
      const short = Buffer.alloc(16, 9).toString('base64');
      for (const content of [short, 'not base64 at all!', Buffer.alloc(32, 9).toString('hex'), '']) {
        const file = fileWith('bad', content);
        const problems = problemsOf({ NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY_FILE: file });
        expect(problems).toEqual([`SECRETS_ENCRYPTION_KEY_FILE: ${file} must hold 32 random bytes in base64 (openssl rand -base64 32)`]);
        if (content) expect(problems.join('\n')).not.toContain(content);
      }
    });

    it('refuses a file that cannot be read, naming the variable, the file and the cause', () => {
      const missing = join(dir, 'missing.key');
      expect(problemsOf({ NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY_FILE: missing })).toEqual([
        `SECRETS_ENCRYPTION_KEY_FILE: cannot read ${missing} (ENOENT)`,
      ]);
      expect(problemsOf({ SECRETS_ENCRYPTION_KEY_FILE: dir })).toEqual([`SECRETS_ENCRYPTION_KEY_FILE: cannot read ${dir} (EISDIR)`]);
    });

    it('takes exactly one of SECRETS_ENCRYPTION_KEY and SECRETS_ENCRYPTION_KEY_FILE', () => {
      const file = fileWith('one', key);
      const problems = problemsOf({ NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY: key, SECRETS_ENCRYPTION_KEY_FILE: file });
      expect(problems).toEqual(['SECRETS_ENCRYPTION_KEY_FILE: set either SECRETS_ENCRYPTION_KEY or SECRETS_ENCRYPTION_KEY_FILE, not both']);
      expect(problems.join('\n')).not.toContain(key);
      expect(problemsOf({ SECRETS_ENCRYPTION_KEY: key, SECRETS_ENCRYPTION_KEY_FILE: file })).toEqual(problems);
      expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
        'SECRETS_ENCRYPTION_KEY: required when NODE_ENV=production: set it to 32 random bytes in base64 (openssl rand -base64 32), or set SECRETS_ENCRYPTION_KEY_FILE to a file holding them',
      ]);
    });

    it('a bad SECRETS_ENCRYPTION_KEY is named without its value', () => {
      const bad = Buffer.alloc(31, 5).toString('base64');
      const problems = problemsOf({ SECRETS_ENCRYPTION_KEY: bad });
      expect(problems).toEqual(['SECRETS_ENCRYPTION_KEY: must be 32 random bytes in base64 (openssl rand -base64 32)']);
      expect(problems.join('\n')).not.toContain(bad);
    });
  });

  it('http issuers only with OIDC_ALLOW_HTTP; the return page defaults to this API', () => {
    expect(loadConfig({}).sso).toEqual({ allowHttp: false, returnUrl: 'http://localhost:3000/sso/return' });
    expect(loadConfig({ OIDC_ALLOW_HTTP: 'true', SSO_RETURN_URL: 'https://app.example.com/sso' }).sso).toEqual({
      allowHttp: true,
      returnUrl: 'https://app.example.com/sso',
    });
  });
});
