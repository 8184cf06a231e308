import { Module } from '@nestjs/common';
import { OrgStructureModule } from '../org-structure/org-structure.module';
import { ManagedUsersService } from './managed-users.service';
import { PeopleAdminService } from './people-admin.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [OrgStructureModule],
  controllers: [UsersController],
  providers: [ManagedUsersService, UsersService, PeopleAdminService],
  exports: [ManagedUsersService, UsersService],
})
export class UsersModule {}
