import { Module } from '@nestjs/common';
import { OrgStructureAdminService } from './org-structure-admin.service';
import { OrgStructureQueryService } from './org-structure-query.service';
import { OrgStructureController } from './org-structure.controller';
import { OrgStructureSyncService } from './org-structure-sync.service';
import { UserLinks } from './user-links.service';

@Module({
  controllers: [OrgStructureController],
  providers: [OrgStructureSyncService, OrgStructureQueryService, OrgStructureAdminService, UserLinks],
  // UserLinks: users/ registers the writes to people that org-structure changes imply.
  exports: [OrgStructureSyncService, UserLinks],
})
export class OrgStructureModule {}
