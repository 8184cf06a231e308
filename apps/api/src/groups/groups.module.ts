import { Module } from '@nestjs/common';
import { InvitationsModule } from '../invitations/invitations.module';
import { GroupsSyncService } from './groups-sync.service';
import { GroupsAdminService } from './groups-admin.service';
import { GroupsController } from './groups.controller';
import { GroupsQueryService } from './groups-query.service';

@Module({
  imports: [InvitationsModule],
  controllers: [GroupsController],
  providers: [GroupsSyncService, GroupsQueryService, GroupsAdminService],
  exports: [GroupsSyncService, GroupsQueryService, GroupsAdminService],
})
export class GroupsModule {}
