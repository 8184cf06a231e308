import { Module } from '@nestjs/common';
import { ScimUsersController } from './scim-users.controller';
import { ScimUsersService } from './scim-users.service';

@Module({
  controllers: [ScimUsersController],
  providers: [ScimUsersService],
})
export class ScimModule {}
