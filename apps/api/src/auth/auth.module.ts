import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { DirectoriesModule } from '../directories/directories.module';
import { UsersModule } from '../users/users.module';
import { ApiTokensService } from './api-tokens.service';
import { ApiTokensController, AuthController, MeController } from './auth.controller';
import { LoginLimiter } from './login-limiter';
import { PasswordHasher } from './password-hasher';
import { SessionsService } from './sessions.service';
import { AdminTokenStrategy, DirectoryTokenStrategy, PersonStrategy } from './strategies';

@Module({
  imports: [PassportModule.register({ session: false }), DirectoriesModule, UsersModule],
  controllers: [AuthController, MeController, ApiTokensController],
  providers: [ApiTokensService, SessionsService, LoginLimiter, PasswordHasher, AdminTokenStrategy, PersonStrategy, DirectoryTokenStrategy],
  exports: [ApiTokensService, PasswordHasher],
})
export class AuthModule {}
