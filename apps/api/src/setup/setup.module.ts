import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { UsersModule } from '../users/users.module';
import { BreakGlassService } from './break-glass.service';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [CredentialsModule, UsersModule],
  providers: [OrganizationsService, BreakGlassService],
  exports: [OrganizationsService, BreakGlassService],
})
export class SetupModule {}
