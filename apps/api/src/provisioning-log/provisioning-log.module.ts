import { Module } from '@nestjs/common';
import { DirectoriesModule } from '../directories/directories.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { DeprovisionEventsRecorder } from './deprovision-recorder.service';
import { DirectoryHealthService } from './directory-health.service';
import { ProvisioningEventsService } from './provisioning-events.service';
import { ProvisioningLog } from './provisioning-log.service';
import { ProvisioningLogController } from './provisioning-log.controller';

/**
 * The provisioning log (issue 11): recorded from every SCIM answer (bootstrap registers
 * ProvisioningLog.onSend), read by the admin routes, and the directory health built on it.
 * Above directories, users and mail in the layering; scim only uses its OperationNote.
 */
@Module({
  imports: [DirectoriesModule, UsersModule, MailModule],
  controllers: [ProvisioningLogController],
  providers: [ProvisioningLog, ProvisioningEventsService, DirectoryHealthService, DeprovisionEventsRecorder],
  exports: [ProvisioningLog],
})
export class ProvisioningLogModule {}
