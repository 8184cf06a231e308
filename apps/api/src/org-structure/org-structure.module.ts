import { Module } from '@nestjs/common';
import { OrgStructureAdminService } from './org-structure-admin.service';
import { OrgStructureQueryService } from './org-structure-query.service';
import { OrgStructureController } from './org-structure.controller';
import { OrgStructureService } from './org-structure.service';
import { PeopleLinks } from './people-links';

@Module({
  controllers: [OrgStructureController],
  providers: [OrgStructureService, OrgStructureQueryService, OrgStructureAdminService, PeopleLinks],
  // PeopleLinks: users/ registers the writes to people that org-structure changes imply.
  exports: [OrgStructureService, PeopleLinks],
})
export class OrgStructureModule {}
