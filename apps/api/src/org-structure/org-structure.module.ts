import { Module } from '@nestjs/common';
import { OrgStructureService } from './org-structure.service';

@Module({
  providers: [OrgStructureService],
  exports: [OrgStructureService],
})
export class OrgStructureModule {}
