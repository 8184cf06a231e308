import { Module } from '@nestjs/common';
import { InvitationsModule } from '../invitations/invitations.module';
import { DirectoryGroupsService } from './directory-groups.service';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

@Module({
  imports: [InvitationsModule],
  controllers: [GroupsController],
  providers: [DirectoryGroupsService, GroupsService],
  exports: [DirectoryGroupsService, GroupsService],
})
export class GroupsModule {}
