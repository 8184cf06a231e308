import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { DirectoriesModule } from '../directories/directories.module';
import { ApiTokensService } from './api-tokens.service';
import { AdminTokenStrategy, DirectoryTokenStrategy } from './strategies';

@Module({
  imports: [PassportModule.register({ session: false }), DirectoriesModule],
  providers: [ApiTokensService, AdminTokenStrategy, DirectoryTokenStrategy],
  exports: [ApiTokensService],
})
export class AuthModule {}
