import { Module } from '@nestjs/common';
import { DirectoriesController } from './directories.controller';
import { DirectoriesService } from './directories.service';
import { DirectoryStates } from './directory-states.service';
import { EntraTokensService } from './entra-tokens.service';
import { OAuthClientsController } from './oauth-clients.controller';
import { OAuthClientsService } from './oauth-clients.service';

@Module({
  controllers: [DirectoriesController, OAuthClientsController],
  providers: [DirectoriesService, DirectoryStates, OAuthClientsService, EntraTokensService],
  exports: [DirectoriesService, DirectoryStates, OAuthClientsService, EntraTokensService],
})
export class DirectoriesModule {}
