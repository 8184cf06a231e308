import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { OrgLinkColumn } from './org-kinds';

/** The org-structure link columns of a person (the org-kind table's `userColumn`). */
export type { OrgLinkColumn } from './org-kinds';

/**
 * The writes to people that a change of the org structure implies (a merge moves them, a delete
 * unlinks them, a role's new grade list drops the grades it no longer has).
 *
 * Why a hook and not a call: users/ depends on org-structure/ (entities, directory sync), and it
 * alone writes the users table, so it implements this interface and registers on PeopleLinks
 * when Nest builds it (users/people-org-links.ts). Same pattern as users/people-lifecycle.ts.
 */
export interface PeopleLinkWriter {
  moveOrgLink(m: EntityManager, organizationId: string, column: OrgLinkColumn, fromId: string, toId: string | null): Promise<void>;
  dropGradesNotIn(m: EntityManager, organizationId: string, roleId: string, grades: string[]): Promise<void>;
}

@Injectable()
export class PeopleLinks {
  private registered: PeopleLinkWriter | null = null;

  register(writer: PeopleLinkWriter): void {
    this.registered = writer;
  }

  get writer(): PeopleLinkWriter {
    // A wiring bug (UsersModule not imported), never a request's fault.
    if (!this.registered) throw new Error('No PeopleLinkWriter registered: import UsersModule');
    return this.registered;
  }
}
