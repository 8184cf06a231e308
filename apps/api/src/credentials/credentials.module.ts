import { Module } from '@nestjs/common';
import { DirectoriesModule } from '../directories/directories.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { ApiTokensService } from './api-tokens.service';
import { ApiTokensController, AuthController, MeController } from './auth.controller';
import { InvitationAcceptanceController } from './invitation-acceptance.controller';
import { InvitationAcceptanceService } from './invitation-acceptance.service';
import { LoginLimiter } from './login-limiter.service';
import { OAuthTokenController } from './oauth-token.controller';
import { PasswordHasher } from './password-hasher.service';
import { PasswordSignInPolicy } from './password-sign-in-policy.service';
import { RouteAuthGuard } from './route-auth.guard';
import { SessionsService } from './sessions.service';
import { AdminTokenStrategy } from './admin-token.strategy';
import { DirectoryTokenStrategy } from './directory-token.strategy';
import { PersonStrategy } from './person.strategy';

@Module({
  imports: [DirectoriesModule, MailModule, UsersModule],
  controllers: [AuthController, MeController, ApiTokensController, OAuthTokenController, InvitationAcceptanceController],
  providers: [
    ApiTokensService,
    SessionsService,
    LoginLimiter,
    PasswordHasher,
    PasswordSignInPolicy,
    InvitationAcceptanceService,
    AdminTokenStrategy,
    PersonStrategy,
    DirectoryTokenStrategy,
    RouteAuthGuard,
  ],
  // RouteAuthGuard is the app's APP_GUARD (app.module.ts).
  exports: [ApiTokensService, InvitationAcceptanceService, LoginLimiter, PasswordSignInPolicy, RouteAuthGuard, SessionsService],
})
export class CredentialsModule {}
