import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OrgLinkColumn, PeopleLinks, PeopleLinkWriter } from '../org-structure/people-links';
import { dropGradesNotIn, moveOrgLink } from './people-writes';

/** The people side of org-structure admin changes (org-structure/people-links.ts explains the hook). */
@Injectable()
export class PeopleOrgLinks implements PeopleLinkWriter {
  constructor(links: PeopleLinks) {
    links.register(this);
  }

  moveOrgLink(m: EntityManager, organizationId: string, column: OrgLinkColumn, fromId: string, toId: string | null): Promise<void> {
    return moveOrgLink(m, organizationId, column, fromId, toId);
  }

  dropGradesNotIn(m: EntityManager, organizationId: string, roleId: string, grades: string[]): Promise<void> {
    return dropGradesNotIn(m, organizationId, roleId, grades);
  }
}
