import { Inject, Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { APP_CONFIG, AppConfig } from '@app/config';

/** What a sealed value is for; bound into the ciphertext, so one purpose's value never opens as another's. */
export type SealPurpose = 'sso-client-secret' | 'sso-flow';

const VERSION = 'v1';

/**
 * AES-256-GCM for secrets the service must read back (an SSO client secret) and for the sealed
 * state of an SSO attempt (the flow cookie). Each purpose has its own key derived (HKDF-SHA256)
 * from SECRETS_ENCRYPTION_KEY (or the file SECRETS_ENCRYPTION_KEY_FILE names); `context` (e.g.
 * the organisation id) is authenticated too, so a sealed value copied to another row does not
 * open. Without either (never in production, see libs/config) a key is generated once into
 * SECRETS_KEY_FILE.
 */
@Injectable()
export class SecretBox {
  private readonly logger = new Logger(SecretBox.name);
  private master: Buffer | null;
  private readonly keys = new Map<SealPurpose, Buffer>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.master = config.secrets.key;
  }

  seal(purpose: SealPurpose, context: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(purpose), iv);
    cipher.setAAD(Buffer.from(`${purpose}\n${context}`, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The plaintext, or null when the value is malformed, tampered with, or sealed for another purpose/context/key. */
  open(purpose: SealPurpose, context: string, sealed: string): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key(purpose), Buffer.from(parts[1], 'base64url'));
      decipher.setAAD(Buffer.from(`${purpose}\n${context}`, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[2], 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  private key(purpose: SealPurpose): Buffer {
    let key = this.keys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.masterKey(), Buffer.alloc(0), `people-directory ${purpose}`, 32));
      this.keys.set(purpose, key);
    }
    return key;
  }

  private masterKey(): Buffer {
    if (this.master) return this.master;
    const file = this.config.secrets.keyFile;
    try {
      mkdirSync(dirname(file), { recursive: true });
      // 'wx': exactly one process creates the file; the others read the key it wrote.
      writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
      this.logger.warn(`Neither SECRETS_ENCRYPTION_KEY nor SECRETS_ENCRYPTION_KEY_FILE is set: generated a development key in ${file}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    this.master = key;
    return key;
  }
}
