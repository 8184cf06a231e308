import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { BreakGlassService } from './break-glass.service';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [AuthModule, UsersModule],
  providers: [OrganizationsService, BreakGlassService],
  exports: [OrganizationsService, BreakGlassService],
})
export class OrganizationsModule {}
