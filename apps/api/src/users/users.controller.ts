import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { byKeyset, keysetPageOf, pageOf } from '../common/page.dto';
import { ErrorResponse } from '../errors/error-response.dto';
import { CreatePersonRequest, UpdatePersonRequest } from './dto/person.dto';
import { ListUsersQuery, UserPage, UserResponse } from './dto/user.dto';
import { UsersAdminService } from './users-admin.service';
import { mapUser } from './users.mapper';
import { UsersQueryService } from './users-query.service';

const PERSON_ID = ApiParam({ name: 'id', description: 'The person id (also their SCIM id)', example: '3f1c2b9e-8a4d-4c6e-9b1a-2d7e5f0a1c3b' });
const NOT_FOUND = ApiNotFoundResponse({ type: ErrorResponse, description: 'USER_NOT_FOUND' });
const BAD_INPUT = ApiBadRequestResponse({
  type: ErrorResponse,
  description: 'VALIDATION_FAILED, INVALID_REFERENCE (details.fields), INVALID_GRADE or INVALID_MANAGER',
});

@ApiTags('Users')
@AdminAuth()
@Controller('api/v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersQueryService,
    private readonly people: UsersAdminService,
  ) {}

  /** People of the organisation, filtered by status, text, site, department, role or directory; numbered pages, or keyset pages with `cursor`. */
  @Get()
  async list(@CurrentAdmin() admin: AdminPrincipal, @Query() q: ListUsersQuery): Promise<UserPage> {
    if (byKeyset(q)) {
      const { people, more } = await this.users.listByKeyset(admin.organizationId, q);
      return keysetPageOf(people.map(mapUser), people.at(-1)?.user.id, more, q);
    }
    const [items, total] = await this.users.list(admin.organizationId, q);
    return pageOf(items.map(mapUser), total, q);
  }

  /** One person; the id is also their SCIM id. */
  @Get(':id')
  @PERSON_ID
  @NOT_FOUND
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<UserResponse> {
    return mapUser(await this.users.get(admin.organizationId, id));
  }

  /** Adds a person in the app: uninvited, managed by no directory (a directory that later sends the same email adopts them). */
  @Post()
  @BAD_INPUT
  @ApiConflictResponse({ type: ErrorResponse, description: 'EMAIL_ALREADY_IN_USE: a person of the organisation has this email or userName' })
  async create(@CurrentAdmin() admin: AdminPrincipal, @Body() body: CreatePersonRequest): Promise<UserResponse> {
    const id = await this.people.create(admin, body);
    return mapUser(await this.users.get(admin.organizationId, id));
  }

  /** Edits a person. For people a directory manages, only `grade` and `isAdmin` are editable here. */
  @Patch(':id')
  @PERSON_ID
  @NOT_FOUND
  @BAD_INPUT
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'FIELD_MANAGED_BY_DIRECTORY (details.fields lists them), EMAIL_ALREADY_IN_USE or CANNOT_CHANGE_OWN_ACCESS',
  })
  async update(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdatePersonRequest): Promise<UserResponse> {
    await this.people.update(admin, id, body);
    return mapUser(await this.users.get(admin.organizationId, id));
  }

  /** Archives a person the app manages: history stays, sign-in and invitations stop working. */
  @Post(':id/archive')
  @HttpCode(200)
  @PERSON_ID
  @NOT_FOUND
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'FIELD_MANAGED_BY_DIRECTORY (unassign or disable them in the directory instead) or CANNOT_CHANGE_OWN_ACCESS',
  })
  async archive(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<UserResponse> {
    await this.people.archive(admin, id);
    return mapUser(await this.users.get(admin.organizationId, id));
  }

  /** Restores an archived person to the status they had before. */
  @Post(':id/restore')
  @HttpCode(200)
  @PERSON_ID
  @NOT_FOUND
  @ApiConflictResponse({
    type: ErrorResponse,
    description:
      'FIELD_MANAGED_BY_DIRECTORY (re-enable them in the directory instead) or EMAIL_ALREADY_IN_USE (someone who is not archived has their email now)',
  })
  async restore(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<UserResponse> {
    await this.people.restore(admin, id);
    return mapUser(await this.users.get(admin.organizationId, id));
  }
}
