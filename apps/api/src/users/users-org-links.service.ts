import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrgLinkColumn, UserLinks, UserLinkWriter } from '../org-structure/user-links.service';
import { dropGradesNotIn, moveOrgLink } from './users-writes.util';

/** The people side of org-structure admin changes (org-structure/user-links.service.ts explains the hook). */
@Injectable()
export class UsersOrgLinks implements UserLinkWriter {
  constructor(links: UserLinks) {
    links.register(this);
  }

  moveOrgLink(m: EntityManager, organizationId: string, column: OrgLinkColumn, fromId: string, toId: string | null): Promise<void> {
    return moveOrgLink(m, organizationId, column, fromId, toId);
  }

  dropGradesNotIn(m: EntityManager, organizationId: string, roleId: string, grades: string[]): Promise<void> {
    return dropGradesNotIn(m, organizationId, roleId, grades);
  }
}
