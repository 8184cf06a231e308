import { Injectable } from '@nestjs/common';
import { Transactions } from '@app/database';
import { DirectoriesService } from '../directories/directories.service';
import { GroupsAdminService } from '../groups/groups-admin.service';
import { unlinkDirectory } from '../users/users-writes.util';

/**
 * Deleting a directory spans three features: the directory (its row and tokens), the groups it
 * provisioned, and its people's link. Groups sit above directories in the layering, so the
 * orchestration sits above all three, in ONE transaction: there is no moment at which
 * a deleted directory's group still grants admin rights or invites anyone.
 */
@Injectable()
export class DirectoryRemovalService {
  constructor(
    private readonly tx: Transactions,
    private readonly directories: DirectoriesService,
    private readonly groups: GroupsAdminService,
  ) {}

  async remove(organizationId: string, directoryId: string): Promise<void> {
    await this.tx.run(async (m) => {
      // First, so an unknown or already deleted directory is a 404 that changes nothing.
      await this.directories.remove(m, organizationId, directoryId);
      await this.groups.removeAllForDirectory(m, organizationId, directoryId);
      // Its people stay, managed by no directory, so a new directory that sends the same
      // userNames (and compatible externalIds) takes them over.
      await unlinkDirectory(m, organizationId, directoryId);
    });
  }
}
