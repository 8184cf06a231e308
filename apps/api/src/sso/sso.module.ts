import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { UsersModule } from '../users/users.module';
import { OidcClient } from './oidc-client.service';
import { AcceptInvitationPageController } from './pages/accept-invitation-page.controller';
import { SecretBox } from './secret-box.service';
import { SsoConfigService } from './sso-config.service';
import { SsoSignInService } from './sso-sign-in.service';
import { SsoConfigController, SsoFlowController, SsoReturnPageController } from './sso.controller';

/** Single sign-on with OpenID Connect (issue #12 §1-§3, §6), and the pages people see when signing in. */
@Module({
  imports: [CredentialsModule, UsersModule],
  controllers: [SsoConfigController, SsoFlowController, SsoReturnPageController, AcceptInvitationPageController],
  providers: [SecretBox, OidcClient, SsoConfigService, SsoSignInService],
})
export class SsoModule {}
