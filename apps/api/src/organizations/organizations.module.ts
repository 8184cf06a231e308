import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BreakGlassService } from './break-glass.service';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [AuthModule],
  providers: [OrganizationsService, BreakGlassService],
  exports: [OrganizationsService, BreakGlassService],
})
export class OrganizationsModule {}
