import { Module } from '@nestjs/common';
import { InvitationsModule } from '../invitations/invitations.module';
import { DirectoryGroupsService } from './directory-groups.service';
import { GroupsAdminService } from './groups-admin.service';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

@Module({
  imports: [InvitationsModule],
  controllers: [GroupsController],
  providers: [DirectoryGroupsService, GroupsService, GroupsAdminService],
  exports: [DirectoryGroupsService, GroupsService, GroupsAdminService],
})
export class GroupsModule {}
