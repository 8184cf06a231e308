import { Module } from '@nestjs/common';
import { OrgStructureQueryService } from './org-structure-query.service';
import { OrgStructureController } from './org-structure.controller';
import { OrgStructureService } from './org-structure.service';

@Module({
  controllers: [OrgStructureController],
  providers: [OrgStructureService, OrgStructureQueryService],
  exports: [OrgStructureService],
})
export class OrgStructureModule {}
