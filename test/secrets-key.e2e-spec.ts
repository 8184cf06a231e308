import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '@app/config';
import { openDataSource } from '@app/database';
import { SecretBox } from '../apps/api/src/sso/secret-box.service';
import { createTestDatabase, testEngines, TestDatabase } from './support/databases';
import { assertBuilt, childEnv, MAIN_JS, ROOT, runCli, startApi } from './support/processes';

const INIT_SCRIPT = join(ROOT, 'scripts/secrets-init.sh');
const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.cluster.yml'];
const owner = (): string => `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;

/** What the compose files' `secrets-init` service runs. */
function secretsInit(file: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', [INIT_SCRIPT, file, owner()], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The production key by file (SECRETS_ENCRYPTION_KEY_FILE), as the compose files run it: the
 * init script writes the key once, the built app in production mode reads it and seals with it,
 * and a missing or bad key stops the app with a message naming the variable, never the key.
 */
describe('the secrets key generated for compose and read through SECRETS_ENCRYPTION_KEY_FILE', () => {
  let dir: string;

  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'secrets-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('secrets-init.sh writes 32 random bytes in base64, mode 0600, once: a second run keeps the key', () => {
    const file = join(dir, 'encryption.key');
    const first = secretsInit(file);
    expect(first).toMatchObject({ status: 0, stderr: '' });
    const key = readFileSync(file, 'utf8');
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(key.trim(), 'base64')).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.stdout).not.toContain(key.trim());

    expect(secretsInit(file)).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe(key);
    // Another volume, another key.
    secretsInit(join(dir, 'other.key'));
    expect(readFileSync(join(dir, 'other.key'), 'utf8')).not.toBe(key);
  });

  it.each(COMPOSE_FILES)(
    '%s runs secrets-init before every API service and points SECRETS_ENCRYPTION_KEY_FILE at its volume; no key is written in it',
    (name) => {
      const text = readFileSync(join(ROOT, name), 'utf8');
      expect(text).toContain("command: [sh, /secrets-init.sh, /secrets/encryption.key, '1000:1000']");
      expect(text).not.toMatch(/SECRETS_ENCRYPTION_KEY:/);
      expect(text).not.toMatch(/[A-Za-z0-9+/]{43}=/);
      const apiServices = text.split(/\n(?= {2}\S)/).filter((block) => /^ {2}api\d*:/.test(block));
      expect(apiServices.length).toBeGreaterThan(0);
      for (const block of apiServices.filter((b) => !b.includes('<<: *api'))) {
        expect(block).toContain('SECRETS_ENCRYPTION_KEY_FILE: /run/app-secrets/encryption.key');
        expect(block).toMatch(/api-secrets:\/run\/app-secrets:ro/);
        expect(block).toMatch(/secrets-init:\s*(\{ condition: service_completed_successfully \}|\n\s+condition: service_completed_successfully)/);
      }
    },
  );

  /** The built app's start in production mode, up to the configuration check (it exits 1 there). */
  const refusedStart = (env: Record<string, string>): { status: number | null; stderr: string } => {
    const r = spawnSync(process.execPath, [MAIN_JS], {
      env: childEnv({
        NODE_ENV: 'production',
        SECRETS_ENCRYPTION_KEY: '',
        SECRETS_ENCRYPTION_KEY_FILE: '',
        DATABASE_URL: `sqlite:${join(dir, 'never.sqlite')}`,
        ...env,
      }),
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, stderr: r.stderr };
  };

  it('in production, no key at all stops the app naming both variables', () => {
    const r = refusedStart({});
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('SECRETS_ENCRYPTION_KEY: required when NODE_ENV=production');
    expect(r.stderr).toContain('SECRETS_ENCRYPTION_KEY_FILE');
  });

  it('a key file that is missing, or does not hold a key, stops the app naming the variable and the file, never its content', () => {
    const missing = join(dir, 'missing.key');
    const r1 = refusedStart({ SECRETS_ENCRYPTION_KEY_FILE: missing });
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain(`SECRETS_ENCRYPTION_KEY_FILE: cannot read ${missing} (ENOENT)`);

    const short = join(dir, 'short.key');
    const content = Buffer.alloc(16, 3).toString('base64');
    writeFileSync(short, content, { mode: 0o600 });
    const r2 = refusedStart({ SECRETS_ENCRYPTION_KEY_FILE: short });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain(`SECRETS_ENCRYPTION_KEY_FILE: ${short} must hold 32 random bytes in base64`);
    expect(r2.stderr).not.toContain(content);
  });

  it('both variables at once stop the app: exactly one of them', () => {
    const file = join(dir, 'encryption.key');
    const key = readFileSync(file, 'utf8').trim();
    const r = refusedStart({ SECRETS_ENCRYPTION_KEY: key, SECRETS_ENCRYPTION_KEY_FILE: file });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('set either SECRETS_ENCRYPTION_KEY or SECRETS_ENCRYPTION_KEY_FILE, not both');
    expect(r.stderr).not.toContain(key);
  });

  describe.each(testEngines())('on %s', (engine) => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await createTestDatabase(engine);
    });
    afterAll(() => db?.drop());

    it('the built app in production mode with only SECRETS_ENCRYPTION_KEY_FILE seals the SSO client secret with the key in that file', async () => {
      const file = join(dir, `${engine}.key`);
      expect(secretsInit(file).status).toBe(0);
      const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
      const setup = JSON.parse(runCli(['setup', '--org', 'Key File Co', '--admin-email', 'hr@keyfile.test', '--json'], { DATABASE_URL: db.url }).stdout) as {
        organizationId: string;
        adminToken: string;
      };
      const api = await startApi({ NODE_ENV: 'production', DATABASE_URL: db.url, SECRETS_ENCRYPTION_KEY: '', SECRETS_ENCRYPTION_KEY_FILE: file }, dir);
      try {
        const put = await fetch(`${api.baseUrl}/api/v1/sso`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${setup.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ issuer: 'https://idp.keyfile.test', clientId: 'people-app', clientSecret: 'the-client-secret-value', enabled: false }),
        });
        expect(put.status).toBe(200);
      } finally {
        expect(await api.stop()).toBe(0);
      }
      expect(api.output()).not.toContain(readFileSync(file, 'utf8').trim());

      const dataSource = await openDataSource(db.config, []);
      try {
        const [row]: Array<{ sealed: string }> = await dataSource.query('SELECT client_secret_sealed AS sealed FROM sso_configs WHERE organization_id = ?', [
          setup.organizationId,
        ]);
        const boxWith = (k: Buffer): SecretBox => new SecretBox({ secrets: { key: k, keyFile: join(dir, 'unused.key') } } as AppConfig);
        expect(boxWith(key).open('sso-client-secret', setup.organizationId, row.sealed)).toBe('the-client-secret-value');
        expect(boxWith(Buffer.alloc(32, 1)).open('sso-client-secret', setup.organizationId, row.sealed)).toBeNull();
      } finally {
        await dataSource.destroy();
      }
    });
  });
});
