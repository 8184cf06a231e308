import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { OrgStructureModule } from '../org-structure/org-structure.module';
import { DeprovisionGuardService } from './deprovision-guard.service';
import { DeprovisionSweeper } from './deprovision-sweeper.service';
import { HeldDeprovisionsController } from './held-deprovisions.controller';
import { UsersSyncService } from './users-sync.service';
import { UsersAdminService } from './users-admin.service';
import { UsersLifecycle } from './users-lifecycle.service';
import { UsersOrgLinks } from './users-org-links.service';
import { UsersController } from './users.controller';
import { UsersQueryService } from './users-query.service';

@Module({
  imports: [OrgStructureModule, MailModule],
  controllers: [UsersController, HeldDeprovisionsController],
  providers: [UsersSyncService, UsersQueryService, UsersAdminService, UsersLifecycle, UsersOrgLinks, DeprovisionGuardService, DeprovisionSweeper],
  // UsersLifecycle: sessions, API tokens and invitations register their PersonAccessHook on it.
  exports: [UsersSyncService, UsersQueryService, UsersAdminService, UsersLifecycle, DeprovisionGuardService, DeprovisionSweeper],
})
export class UsersModule {}
