import { Module } from '@nestjs/common';
import { DirectoriesModule } from '../directories/directories.module';
import { GroupsModule } from '../groups/groups.module';
import { DirectoryRemovalController } from './directory-removal.controller';
import { DirectoryRemovalService } from './directory-removal.service';

/** Deleting a directory together with its groups (above both features in the layering). */
@Module({
  imports: [DirectoriesModule, GroupsModule],
  controllers: [DirectoryRemovalController],
  providers: [DirectoryRemovalService],
})
export class DirectoryRemovalModule {}
