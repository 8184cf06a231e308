import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ScimDiscoveryController } from './scim-discovery.controller';
import { ScimUsersController } from './scim-users.controller';
import { ScimUsersService } from './scim-users.service';

@Module({
  imports: [UsersModule],
  controllers: [ScimDiscoveryController, ScimUsersController],
  providers: [ScimUsersService],
})
export class ScimModule {}
