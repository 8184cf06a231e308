import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { OrgStructureModule } from '../org-structure/org-structure.module';
import { DeprovisionGuardService } from './deprovision-guard.service';
import { DeprovisionSweeper } from './deprovision-sweeper';
import { HeldDeprovisionsController } from './held-deprovisions.controller';
import { ManagedUsersService } from './managed-users.service';
import { PeopleAdminService } from './people-admin.service';
import { PeopleLifecycle } from './people-lifecycle';
import { PeopleOrgLinks } from './people-org-links';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [OrgStructureModule, MailModule],
  controllers: [UsersController, HeldDeprovisionsController],
  providers: [ManagedUsersService, UsersService, PeopleAdminService, PeopleLifecycle, PeopleOrgLinks, DeprovisionGuardService, DeprovisionSweeper],
  // PeopleLifecycle: sessions, API tokens and invitations register their PersonAccessHook on it.
  exports: [ManagedUsersService, UsersService, PeopleAdminService, PeopleLifecycle, DeprovisionGuardService, DeprovisionSweeper],
})
export class UsersModule {}
