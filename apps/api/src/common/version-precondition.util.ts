import { DomainError } from './domain.errors';

/**
 * A client's precondition on a resource's version (HTTP If-Match, RFC 7644 §3.14): `any` for
 * `*` (the resource must exist), else the versions it says it has. Checked by the service that
 * writes, under the row lock it takes, so a concurrent change between check and write is
 * impossible.
 */
export type VersionPrecondition = { kind: 'any' } | { kind: 'versions'; versions: number[] };

/** 412 PRECONDITION_FAILED unless `current` satisfies the precondition (absent: always). */
export function assertVersion(precondition: VersionPrecondition | undefined, current: number): void {
  if (!precondition || precondition.kind === 'any' || precondition.versions.includes(current)) return;
  throw new DomainError('PRECONDITION_FAILED', 'The resource has changed since that version was read; read it again');
}
