import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/guards';
import type { AdminPrincipal } from '../auth/principals';
import { pageOf } from '../common/page';
import { ListUsersQuery, UserPage, UserResponse } from './dto/user.dto';
import { mapUser } from './users.mapper';
import { UsersService } from './users.service';

@ApiTags('Users')
@AdminAuth()
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** People of the organisation, filtered by status, text, site, department, role or directory. */
  @Get()
  async list(@CurrentAdmin() admin: AdminPrincipal, @Query() q: ListUsersQuery): Promise<UserPage> {
    const [items, total] = await this.users.list(admin.organizationId, q);
    return pageOf(items.map(mapUser), total, q);
  }

  /** One person; the id is also their SCIM id. */
  @Get(':id')
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<UserResponse> {
    return mapUser(await this.users.get(admin.organizationId, id));
  }
}
