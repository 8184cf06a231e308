import type { User } from '../users/user.entity';
import type { GroupMemberResponse, GroupResponse } from './dto/group.dto';
import type { Group } from './group.entity';

/** Whitelists what the admin API shows of a group (never the entity itself). */
export function mapGroup(g: Group, memberCount: number): GroupResponse {
  return {
    id: g.id,
    displayName: g.displayName,
    externalId: g.externalId,
    directoryId: g.directoryId,
    autoInvite: g.autoInvite,
    grantsAdmin: g.grantsAdmin,
    memberCount,
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
  };
}

export function mapGroupMember(u: Pick<User, 'id' | 'displayName' | 'email' | 'status' | 'archivedAt'>): GroupMemberResponse {
  return { id: u.id, displayName: u.displayName, email: u.email, status: u.archivedAt ? 'archived' : u.status };
}
