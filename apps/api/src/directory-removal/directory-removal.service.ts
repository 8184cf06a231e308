import { Injectable } from '@nestjs/common';
import { Transactions } from '@app/database';
import { DirectoriesService } from '../directories/directories.service';
import { GroupsService } from '../groups/groups.service';

/**
 * Deleting a directory spans two features: the directory (its row, tokens and people's link)
 * and the groups it provisioned. Groups sit above directories in the layering, so the
 * orchestration sits above both, and runs both in ONE transaction: there is no moment at which
 * a deleted directory's group still grants admin rights or invites anyone.
 */
@Injectable()
export class DirectoryRemovalService {
  constructor(
    private readonly tx: Transactions,
    private readonly directories: DirectoriesService,
    private readonly groups: GroupsService,
  ) {}

  async remove(organizationId: string, directoryId: string): Promise<void> {
    await this.tx.run(async (m) => {
      // First, so an unknown or already deleted directory is a 404 that changes nothing.
      await this.directories.remove(m, organizationId, directoryId);
      await this.groups.removeAllForDirectory(m, organizationId, directoryId);
    });
  }
}
