import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Transactions } from '@app/database';
import { InvitationsService } from '../invitations/invitations.service';
import { UpdateGroupRequest } from './dto/group.dto';
import { Group } from './group.entity';
import { GroupsQueryService, GroupWithCount } from './groups-query.service';

/** The admin writes of groups: the app settings of a group, and removing a directory's groups. */
@Injectable()
export class GroupsAdminService {
  constructor(
    private readonly tx: Transactions,
    private readonly invitations: InvitationsService,
    private readonly groups: GroupsQueryService,
  ) {}

  /**
   * Sets the entitlement flags. Switching autoInvite on invites the group's uninvited members in
   * the same transaction; grantsAdmin takes effect at once, as admin rights are read from
   * memberships at every request.
   */
  async updateFlags(organizationId: string, id: string, flags: UpdateGroupRequest): Promise<GroupWithCount> {
    await this.tx.run(async (m) => {
      const group = await this.groups.find(m, organizationId, id, true);
      const changes = {
        ...(flags.autoInvite !== undefined ? { autoInvite: flags.autoInvite } : {}),
        ...(flags.grantsAdmin !== undefined ? { grantsAdmin: flags.grantsAdmin } : {}),
      };
      if (Object.keys(changes).length === 0) return;
      await m.update(Group, { id: group.id }, { ...changes, version: group.version + 1, updatedAt: new Date() });
      if (flags.autoInvite && !group.autoInvite) await this.invitations.inviteUninvitedMembersWithin(m, organizationId, group.id);
    });
    return this.groups.get(organizationId, id);
  }

  /**
   * Deletes every group of a directory and their memberships, inside the caller's transaction
   * (the directory's deletion): the rights those groups gave end with the same commit.
   */
  async removeAllForDirectory(m: EntityManager, organizationId: string, directoryId: string): Promise<void> {
    const scope = 'SELECT g.id FROM `groups` g WHERE g.organization_id = ? AND g.directory_id = ?';
    // Explicit rather than trusting ON DELETE CASCADE, so both engines do the same whatever
    // the connection's foreign-key setting.
    await m.query(`DELETE FROM group_members WHERE group_id IN (${scope})`, [organizationId, directoryId]);
    await m.query('DELETE FROM `groups` WHERE organization_id = ? AND directory_id = ?', [organizationId, directoryId]);
  }
}
