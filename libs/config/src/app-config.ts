import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable the service reads, validated once at boot.
 * `.env.example` at the repository root documents the same list; keep them in step.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Which proxies may speak for the client (Fastify's `trustProxy` forms). `true` trusts EVERY hop,
 * so the client picks its own address with a forged X-Forwarded-For; a hop count or the proxies'
 * addresses make the address the one the last trusted proxy saw.
 */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's named ranges, accepted in a TRUST_PROXY list. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isAddressOrCidr = (entry: string): boolean => {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  // proxy-addr refuses /0: trusting every address is TRUST_PROXY=true, said out loud.
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128);
};

const trustProxy = z.string().transform((raw, ctx): TrustProxy => {
  const v = raw.trim().toLowerCase();
  if (v === 'false' || v === 'no' || v === '0') return false;
  if (v === 'true' || v === 'yes') return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops <= 100) return hops;
  } else {
    const entries = v.split(',').map((e) => e.trim());
    const bad = entries.filter((e) => !isAddressOrCidr(e));
    if (bad.length === 0) return entries;
    ctx.addIssue({
      code: 'custom',
      message: `not an address or CIDR: ${bad.map((b) => JSON.stringify(b)).join(', ')}; must be false, true (every hop), a hop count like 1, or a comma-separated list of proxy addresses/CIDRs like 10.0.0.0/8,::1`,
    });
    return z.NEVER;
  }
  ctx.addIssue({ code: 'custom', message: 'must be false, true (every hop), a hop count from 1 to 100, or a comma-separated list of proxy addresses/CIDRs' });
  return z.NEVER;
});

/** What SECRETS_ENCRYPTION_KEY (or the file SECRETS_ENCRYPTION_KEY_FILE names) holds. */
const KEY_FORM = '32 random bytes in base64 (openssl rand -base64 32)';
const isEncryptionKey = (v: string): boolean => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z
    .url({ message: 'must be an absolute http(s) URL, e.g. https://people.example.com' })
    .refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
    .optional(),
  DATABASE_URL: z
    .string()
    .default('sqlite:./data/app.sqlite')
    .refine((v) => /^(mysql|mariadb):\/\//.test(v) || /^sqlite:.+/.test(v), 'must be mysql://… or sqlite:<file path>'),
  DB_MIGRATIONS_RUN: booleanFlag.default(true),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  DB_LOGGING: booleanFlag.default(false),
  DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(1500),
  DB_CONNECT_RETRY_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: trustProxy.default(false),
  PRODUCT_NAME: z.string().min(1).max(100).default('Frankli'),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\/[^/]/.test(v), 'must be smtp://user:pass@host:587 or smtps://…')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Frankli <no-reply@localhost>'),
  MAIL_DIR: z.string().min(1).default('./data/mail'),
  INVITE_URL: z
    .url({ message: 'must be an absolute http(s) URL, e.g. https://app.example.com/accept-invitation' })
    .refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
    .optional(),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100000).default(50),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS: z.coerce.number().int().min(1).max(100000).default(100),
  LOGIN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  DOCS_ENABLED: booleanFlag.default(true),
  PROVISIONING_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  OAUTH_ACCESS_TOKEN_MINUTES: z.coerce.number().int().min(60).max(360).default(60),
  ENTRA_AUTHORITY_URL: z
    .url({ message: 'must be an absolute https URL, e.g. https://login.microsoftonline.com' })
    .refine((v) => /^https?:\/\//.test(v), 'must start with https:// (http:// only when NODE_ENV=test)')
    .default('https://login.microsoftonline.com'),
  SECRETS_ENCRYPTION_KEY: z.string().refine(isEncryptionKey, `must be ${KEY_FORM}`).optional(),
  SECRETS_ENCRYPTION_KEY_FILE: z.string().min(1).optional(),
  SECRETS_KEY_FILE: z.string().min(1).default('./data/secrets.key'),
  OIDC_ALLOW_HTTP: booleanFlag.default(false),
  SSO_RETURN_URL: z
    .url({ message: 'must be an absolute http(s) URL, e.g. https://app.example.com/sso/return' })
    .refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
    .optional(),
});

/** Names of every variable the service reads (documented one by one in .env.example). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

/**
 * How long a query or a new connection may take before the request gives up with a 503
 * (`DB_QUERY_TIMEOUT_MS`), and how long start-up keeps retrying an unreachable database
 * (`DB_CONNECT_RETRY_SECONDS`). Optional so hand-built test configs keep the defaults.
 */
interface DatabaseLimits {
  queryTimeoutMs?: number;
  connectRetrySeconds?: number;
}

export type DatabaseConfig =
  | ({ type: 'mysql'; url: string; poolSize: number; migrationsRun: boolean; logging: boolean } & DatabaseLimits)
  | ({ type: 'sqlite'; path: string; migrationsRun: boolean; logging: boolean } & DatabaseLimits);

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Base URL clients reach this service on; the SCIM Tenant URL is `${publicUrl}/scim/v2`. */
  publicUrl: string;
  database: DatabaseConfig;
  log: { level: string };
  trustProxy: TrustProxy;
  productName: string;
  mail: MailConfig;
  invitations: { acceptUrl: string; ttlDays: number };
  sessions: { ttlHours: number };
  /** Failed sign-ins allowed within the sliding window (LoginLimiter). */
  loginLimits: {
    /** Per account from one client address (LOGIN_MAX_FAILURES_PER_ACCOUNT). */
    perAccount: number;
    /** Per client address, whatever the accounts (LOGIN_MAX_FAILURES_PER_IP). */
    perIp: number;
    /** Per account from all addresses together, a far higher ceiling (LOGIN_MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS). */
    perAccountAnyAddress: number;
    windowMs: number;
  };
  /** Whether Swagger UI (/docs) and the OpenAPI document (/docs-json) are served. */
  docs: { enabled: boolean };
  provisioningLog: ProvisioningLogConfig;
  /** Lifetime of the access tokens the token endpoint issues to directories' OAuth clients. */
  oauth: { accessTokenMinutes: number };
  /** Where an Entra tenant's signing keys are read: `${authorityUrl}/${tenantId}/discovery/v2.0/keys`. */
  entra: { authorityUrl: string };
  /**
   * The key that encrypts secrets the service must read back (SSO client secrets), AES-256-GCM.
   * `key` is SECRETS_ENCRYPTION_KEY or the content of SECRETS_ENCRYPTION_KEY_FILE; unset outside
   * production, the service generates and keeps one in `keyFile` (see sso/secret-box.service.ts).
   */
  secrets: { key: Buffer | null; keyFile: string };
  /** Single sign-on (OIDC). `allowHttp` permits http:// issuers (local testing only). */
  sso: { allowHttp: boolean; returnUrl: string };
}

/** The provisioning log's write path (issue 11): batched, off the request, bounded. */
export interface ProvisioningLogConfig {
  /** Events older than this are pruned (PROVISIONING_LOG_RETENTION_DAYS). */
  retentionDays: number;
  /** Queued events are written at least this often, in one multi-row INSERT. */
  flushIntervalMs: number;
  /** …or as soon as this many are queued. */
  batchSize: number;
  /** At most this many events wait in memory; beyond it new events are dropped and counted. */
  maxQueue: number;
}

export interface MailConfig {
  /** smtp(s)://…; null writes each message to `dir` as an .eml file instead (development). */
  smtpUrl: string | null;
  from: string;
  dir: string;
  /** How often the dispatcher looks for due messages (it is also woken after each commit that queues one). */
  pollIntervalMs: number;
  /** Whether a commit that queued a message wakes the dispatcher (always in production; tests of the outbox's states turn it off to drain by hand). */
  wakeOnCommit: boolean;
  /** The first retry waits this long; each further one twice as long, capped at an hour. */
  retryBaseMs: number;
  /** After this many failed attempts a message is marked failed and left for an operator. */
  maxAttempts: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The key that seals stored secrets: SECRETS_ENCRYPTION_KEY itself, or read from the file
 * SECRETS_ENCRYPTION_KEY_FILE names (a Docker or Kubernetes secret, the compose files' generated
 * key), never both. Production needs one of them; elsewhere null lets SecretBox generate a
 * development key. A problem names the variable and the file, never what the file holds.
 */
function encryptionKeyOf(e: { NODE_ENV: string; SECRETS_ENCRYPTION_KEY?: string; SECRETS_ENCRYPTION_KEY_FILE?: string }): Buffer | null {
  const file = e.SECRETS_ENCRYPTION_KEY_FILE;
  if (e.SECRETS_ENCRYPTION_KEY && file) {
    throw new ConfigError(['SECRETS_ENCRYPTION_KEY_FILE: set either SECRETS_ENCRYPTION_KEY or SECRETS_ENCRYPTION_KEY_FILE, not both']);
  }
  if (e.SECRETS_ENCRYPTION_KEY) return Buffer.from(e.SECRETS_ENCRYPTION_KEY, 'base64');
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError([`SECRETS_ENCRYPTION_KEY_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
    // A trailing newline (echo, a secret store) is not part of the key.
    const key = text.trim();
    if (!isEncryptionKey(key)) throw new ConfigError([`SECRETS_ENCRYPTION_KEY_FILE: ${file} must hold ${KEY_FORM}`]);
    return Buffer.from(key, 'base64');
  }
  if (e.NODE_ENV === 'production') {
    throw new ConfigError([
      `SECRETS_ENCRYPTION_KEY: required when NODE_ENV=production: set it to ${KEY_FORM}, or set SECRETS_ENCRYPTION_KEY_FILE to a file holding them`,
    ]);
  }
  return null;
}

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings in .env files mean "not set", not "set to nothing".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  // The signing keys of a tenant must come over TLS; only the tests' loopback key server is plain http.
  if (e.ENTRA_AUTHORITY_URL.startsWith('http://') && e.NODE_ENV !== 'test') {
    throw new ConfigError(['ENTRA_AUTHORITY_URL: must start with https:// (http:// only when NODE_ENV=test)']);
  }
  const secretsKey = encryptionKeyOf(e);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const limits = { queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS, connectRetrySeconds: e.DB_CONNECT_RETRY_SECONDS };
  const database: DatabaseConfig = e.DATABASE_URL.startsWith('sqlite:')
    ? { type: 'sqlite', path: e.DATABASE_URL.slice('sqlite:'.length), migrationsRun: e.DB_MIGRATIONS_RUN, logging: e.DB_LOGGING, ...limits }
    : {
        type: 'mysql',
        url: e.DATABASE_URL.replace(/^mariadb:/, 'mysql:'),
        poolSize: e.DB_POOL_SIZE,
        migrationsRun: e.DB_MIGRATIONS_RUN,
        logging: e.DB_LOGGING,
        ...limits,
      };
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    database,
    log: { level: e.LOG_LEVEL },
    trustProxy: e.TRUST_PROXY,
    productName: e.PRODUCT_NAME,
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM, dir: e.MAIL_DIR, pollIntervalMs: 5_000, wakeOnCommit: true, retryBaseMs: 30_000, maxAttempts: 10 },
    invitations: { acceptUrl: (e.INVITE_URL ?? `${publicUrl}/accept-invitation`).replace(/\/+$/, ''), ttlDays: e.INVITATION_TTL_DAYS },
    sessions: { ttlHours: e.SESSION_TTL_HOURS },
    loginLimits: {
      perAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: e.LOGIN_MAX_FAILURES_PER_IP,
      perAccountAnyAddress: e.LOGIN_MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS,
      windowMs: e.LOGIN_WINDOW_MINUTES * 60_000,
    },
    docs: { enabled: e.DOCS_ENABLED },
    provisioningLog: { retentionDays: e.PROVISIONING_LOG_RETENTION_DAYS, flushIntervalMs: 250, batchSize: 200, maxQueue: 10_000 },
    oauth: { accessTokenMinutes: e.OAUTH_ACCESS_TOKEN_MINUTES },
    entra: { authorityUrl: e.ENTRA_AUTHORITY_URL.replace(/\/+$/, '') },
    secrets: { key: secretsKey, keyFile: e.SECRETS_KEY_FILE },
    sso: { allowHttp: e.OIDC_ALLOW_HTTP, returnUrl: e.SSO_RETURN_URL ?? `${publicUrl}/sso/return` },
  };
}
