import { DomainError } from './domain.errors';

/**
 * Characters an identifier (userName, externalId, an email, a displayName) must not hold. Each
 * is invisible or rewrites what a person sees, so two identifiers that look alike would differ,
 * or a log line or an email header could be forged:
 * - control characters (C0 incl. NUL, CR, LF and TAB; DEL; C1);
 * - bidirectional controls (LRM, RLM, ALM, the embeddings, overrides and isolates): "Trojan
 *   Source" reordering, CVE-2021-42574;
 * - zero-width and invisible joiners/separators (ZWSP, ZWNJ, ZWJ, WORD JOINER, the invisible
 *   operators, BOM) and the line/paragraph separators.
 * Lone surrogates are checked apart (they are not characters at all, and break UTF-8 storage).
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` is not a clean identifier, or null when it is. */
export function identifierProblem(value: string): string | null {
  if (LONE_SURROGATE.test(value)) return 'holds an unpaired surrogate (not valid Unicode text)';
  const bad = FORBIDDEN.exec(value);
  if (bad) return `holds the invisible or control character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return null;
}

/** 400 VALIDATION_FAILED (SCIM: invalidValue) naming the field, unless `value` is clean or absent. */
export function assertIdentifier(field: string, value: string | null | undefined): void {
  const problem = value ? identifierProblem(value) : null;
  if (problem) throw new DomainError('VALIDATION_FAILED', `${field} ${problem}`);
}
