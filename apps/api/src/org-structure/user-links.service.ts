import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { OrgLinkColumn } from './org-kinds.util';

/** The org-structure link columns of a person (the org-kind table's `userColumn`). */
export type { OrgLinkColumn } from './org-kinds.util';

/**
 * The writes to people that a change of the org structure implies (a merge moves them, a delete
 * unlinks them, a role's new grade list drops the grades it no longer has).
 *
 * Why a hook and not a call: users/ depends on org-structure/ (entities, directory sync), and it
 * alone writes the users table, so it implements this interface and registers on UserLinks
 * when Nest builds it (users/users-org-links.service.ts). Same pattern as users/users-lifecycle.service.ts.
 */
export interface UserLinkWriter {
  moveOrgLink(m: EntityManager, organizationId: string, column: OrgLinkColumn, fromId: string, toId: string | null): Promise<void>;
  dropGradesNotIn(m: EntityManager, organizationId: string, roleId: string, grades: string[]): Promise<void>;
}

@Injectable()
export class UserLinks {
  private registered: UserLinkWriter | null = null;

  register(writer: UserLinkWriter): void {
    this.registered = writer;
  }

  get writer(): UserLinkWriter {
    // A wiring bug (UsersModule not imported), never a request's fault.
    if (!this.registered) throw new Error('No UserLinkWriter registered: import UsersModule');
    return this.registered;
  }
}
