import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AcceptInvitationPageController } from './accept-invitation-page.controller';
import { InvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';

@Module({
  imports: [AuthModule, MailModule, UsersModule],
  controllers: [InvitationsController, AcceptInvitationPageController],
  providers: [InvitationsService],
  exports: [InvitationsService],
})
export class InvitationsModule {}
