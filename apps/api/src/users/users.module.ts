import { Module } from '@nestjs/common';
import { OrgStructureModule } from '../org-structure/org-structure.module';
import { ManagedUsersService } from './managed-users.service';
import { PeopleAdminService } from './people-admin.service';
import { PeopleLifecycle } from './people-lifecycle';
import { PeopleOrgLinks } from './people-org-links';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [OrgStructureModule],
  controllers: [UsersController],
  providers: [ManagedUsersService, UsersService, PeopleAdminService, PeopleLifecycle, PeopleOrgLinks],
  // PeopleLifecycle: sessions, API tokens and invitations register their PersonAccessHook on it.
  exports: [ManagedUsersService, UsersService, PeopleAdminService, PeopleLifecycle],
})
export class UsersModule {}
