import { Module } from '@nestjs/common';
import { DirectoriesController } from './directories.controller';
import { DirectoriesService } from './directories.service';
import { DirectoryStates } from './directory-states';

@Module({
  controllers: [DirectoriesController],
  providers: [DirectoriesService, DirectoryStates],
  exports: [DirectoriesService, DirectoryStates],
})
export class DirectoriesModule {}
