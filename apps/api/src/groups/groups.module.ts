import { Module } from '@nestjs/common';
import { DirectoryGroupsService } from './directory-groups.service';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

@Module({
  controllers: [GroupsController],
  providers: [DirectoryGroupsService, GroupsService],
  exports: [DirectoryGroupsService, GroupsService],
})
export class GroupsModule {}
