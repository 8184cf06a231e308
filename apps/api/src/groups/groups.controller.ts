import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin } from '../auth/current-principal.decorator';
import { AdminAuth } from '../auth/route-access.decorator';
import type { AdminPrincipal } from '../auth/principal.types';
import { byKeyset, keysetPageOf, PageQuery, pageOf } from '../common/page.dto';
import { ErrorResponse } from '../errors/error-response.dto';
import { GroupMemberPage, GroupPage, GroupResponse, ListGroupsQuery, UpdateGroupRequest } from './dto/group.dto';
import { GroupsAdminService } from './groups-admin.service';
import { mapGroup, mapGroupMember } from './groups.mapper';
import { GroupsQueryService } from './groups-query.service';

@ApiTags('Groups')
@AdminAuth()
@Controller('api/v1/groups')
export class GroupsController {
  constructor(
    private readonly groups: GroupsQueryService,
    private readonly groupsAdmin: GroupsAdminService,
  ) {}

  /** Groups the organisation's directories provision, with their member counts; numbered pages, or keyset pages with `cursor`. */
  @Get()
  async list(@CurrentAdmin() admin: AdminPrincipal, @Query() q: ListGroupsQuery): Promise<GroupPage> {
    if (byKeyset(q)) {
      const { groups, more } = await this.groups.listByKeyset(admin.organizationId, q);
      return keysetPageOf(
        groups.map((x) => mapGroup(x.group, x.memberCount)),
        groups.at(-1)?.group.id,
        more,
        q,
      );
    }
    const [items, total] = await this.groups.list(admin.organizationId, q);
    return pageOf(
      items.map((x) => mapGroup(x.group, x.memberCount)),
      total,
      q,
    );
  }

  /** One group; the id is also its SCIM id. */
  @Get(':id')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'GROUP_NOT_FOUND' })
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<GroupResponse> {
    const x = await this.groups.get(admin.organizationId, id);
    return mapGroup(x.group, x.memberCount);
  }

  /** The group's members, in the order they joined (numbered pages), or in id order (keyset pages, `cursor`). */
  @Get(':id/members')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'GROUP_NOT_FOUND' })
  async members(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Query() q: PageQuery): Promise<GroupMemberPage> {
    if (byKeyset(q)) {
      const { users, more } = await this.groups.membersByKeyset(admin.organizationId, id, q);
      return keysetPageOf(users.map(mapGroupMember), users.at(-1)?.id, more, q);
    }
    const [users, total] = await this.groups.members(admin.organizationId, id, q);
    return pageOf(users.map(mapGroupMember), total, q);
  }

  /**
   * Sets the app settings of a group, the only way to set them (SCIM shows them read-only).
   * Switching `autoInvite` on invites its uninvited members; `grantsAdmin` makes its members
   * (those its directory can see) admins, or not, from the next request on.
   */
  @Patch(':id')
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'GROUP_NOT_FOUND' })
  async update(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: UpdateGroupRequest): Promise<GroupResponse> {
    const x = await this.groupsAdmin.updateFlags(admin.organizationId, id, body);
    return mapGroup(x.group, x.memberCount);
  }
}
