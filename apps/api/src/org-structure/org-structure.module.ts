import { Module } from '@nestjs/common';
import { OrgStructureAdminService } from './org-structure-admin.service';
import { OrgStructureQueryService } from './org-structure-query.service';
import { OrgStructureController } from './org-structure.controller';
import { OrgStructureService } from './org-structure.service';

@Module({
  controllers: [OrgStructureController],
  providers: [OrgStructureService, OrgStructureQueryService, OrgStructureAdminService],
  exports: [OrgStructureService],
})
export class OrgStructureModule {}
