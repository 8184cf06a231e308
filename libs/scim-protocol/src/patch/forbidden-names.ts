import { ScimError } from '../errors';
import { isJsonObject } from '../json-object';

// Names that could reach Object.prototype if any code ever used them as property keys. The
// engine never does (it only writes canonical schema names), but rejecting them outright
// makes that impossible to regress and tells the client clearly.
const FORBIDDEN = /(?:^|[^A-Za-z0-9_$])(__proto__|constructor|prototype)(?![A-Za-z0-9_$])/i;

/** invalidPath, as its own class so path-less values (which ignore bad keys) still reject it. */
export class ForbiddenNameError extends ScimError {
  constructor(detail: string) {
    super(400, 'invalidPath', detail);
  }
}

export function assertSafeName(name: string, what: 'path' | 'key'): void {
  const match = FORBIDDEN.exec(name);
  if (match) throw new ForbiddenNameError(`"${match[1]}" is not allowed in a ${what}`);
}

/**
 * Walks a request value (iteratively: bodies can nest deeply) and rejects forbidden keys, and
 * keys of one object that differ only in case: attribute names are case-insensitive (RFC 7643
 * §2.1), so `{"title":"a","TITLE":"b"}` names one attribute twice and either pick would be a guess.
 */
export function assertSafeValue(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
    } else if (isJsonObject(current)) {
      const seen = new Map<string, string>();
      for (const [key, child] of Object.entries(current)) {
        assertSafeName(key, 'key');
        const folded = key.trim().toLowerCase();
        const twin = seen.get(folded);
        if (twin !== undefined) throw ScimError.invalidSyntax(`"${twin}" and "${key}" name the same attribute; send it once`);
        seen.set(folded, key);
        stack.push(child);
      }
    }
  }
}
