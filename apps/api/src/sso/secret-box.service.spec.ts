import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { SecretBox } from './secret-box.service';

const box = (key: Buffer | null, keyFile = join(mkdtempSync(join(tmpdir(), 'box-')), 'secrets.key')) =>
  new SecretBox({ ...loadConfig({}), secrets: { key, keyFile } });

describe('SecretBox', () => {
  const key = Buffer.alloc(32, 1);

  it('round-trips, and the ciphertext holds neither the plaintext nor a repeat', () => {
    const b = box(key);
    const a = b.seal('sso-client-secret', 'org-1', 'very secret value');
    expect(a).not.toContain('very secret');
    expect(b.seal('sso-client-secret', 'org-1', 'very secret value')).not.toBe(a);
    expect(b.open('sso-client-secret', 'org-1', a)).toBe('very secret value');
  });

  it.each([
    ['another context', (b: SecretBox, s: string) => b.open('sso-client-secret', 'org-2', s)],
    ['another purpose', (b: SecretBox, s: string) => b.open('sso-flow', 'org-1', s)],
    ['another key', (_b: SecretBox, s: string) => box(Buffer.alloc(32, 2)).open('sso-client-secret', 'org-1', s)],
    ['a flipped byte', (b: SecretBox, s: string) => b.open('sso-client-secret', 'org-1', s.slice(0, -3) + (s.at(-3) === 'A' ? 'B' : 'A') + s.slice(-2))],
    ['garbage', (b: SecretBox) => b.open('sso-client-secret', 'org-1', 'v1.x.y')],
  ])('does not open with %s', (_name, attempt) => {
    const b = box(key);
    expect(attempt(b, b.seal('sso-client-secret', 'org-1', 'value'))).toBeNull();
  });

  it('without a configured key, generates one file and every instance reads it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'box-')), 'nested', 'secrets.key');
    const sealed = box(null, file).seal('sso-flow', 'c', 'v');
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64')).toHaveLength(32);
    expect(box(null, file).open('sso-flow', 'c', sealed)).toBe('v');
  });
});
