import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { DirectoriesService } from '../directories/directories.service';
import { ApiTokensService } from './api-tokens.service';
import { ADMIN_STRATEGY, DIRECTORY_STRATEGY } from './guards';
import { AdminPrincipal, DirectoryPrincipal } from './principals';

/** `Authorization: Bearer adm_…` on /api/v1. */
@Injectable()
export class AdminTokenStrategy extends PassportStrategy(Strategy, ADMIN_STRATEGY) {
  constructor(private readonly apiTokens: ApiTokensService) {
    super();
  }

  async validate(token: string): Promise<AdminPrincipal | false> {
    return (await this.apiTokens.authenticate(token)) ?? false;
  }
}

/** `Authorization: Bearer scim_…` on /scim/v2. */
@Injectable()
export class DirectoryTokenStrategy extends PassportStrategy(Strategy, DIRECTORY_STRATEGY) {
  constructor(private readonly directories: DirectoriesService) {
    super();
  }

  async validate(token: string): Promise<DirectoryPrincipal | false> {
    return (await this.directories.authenticateToken(token)) ?? false;
  }
}
