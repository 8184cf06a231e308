import { createHash, randomBytes } from 'node:crypto';

/**
 * `adm_` admin API tokens, `scim_` directory tokens, `ses_` sign-in sessions, `inv_` invitation
 * links, `ocs_` OAuth client secrets, `oat_` OAuth access tokens (SCIM, short-lived), `ssoc_` one-time single sign-on codes.
 */
export type TokenKind = 'adm' | 'scim' | 'ses' | 'inv' | 'ocs' | 'oat' | 'ssoc';

export interface IssuedToken {
  /** The secret, shown to its owner once and never stored. */
  token: string;
  /** SHA-256 hex of the secret: what the database keeps and looks up by. */
  hash: string;
  /** The first characters, safe to show in lists. */
  prefix: string;
}

const PREFIX_CHARS = 6;

/** 32 random bytes (256 bits) behind a recognisable prefix such as `scim_` or `adm_`. */
export function issueToken(kind: TokenKind): IssuedToken {
  const token = `${kind}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, kind.length + 1 + PREFIX_CHARS) };
}

/**
 * Tokens carry 256 bits of entropy, so a fast unsalted hash is enough (no dictionary to
 * attack), and lookup by hash keeps comparison out of timing-sensitive string compares.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLike(kind: TokenKind, token: string): boolean {
  return token.startsWith(`${kind}_`) && token.length > kind.length + 40 && token.length < 200;
}
