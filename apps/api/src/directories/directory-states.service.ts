import { Injectable } from '@nestjs/common';
import type { Directory } from './directory.entity';

export const DIRECTORY_STATES = ['never-connected', 'healthy', 'degraded', 'failing', 'idle'] as const;
export type DirectoryState = (typeof DIRECTORY_STATES)[number];

export type DirectoryStateSource = (directories: Directory[]) => Promise<Map<string, DirectoryState>>;

/**
 * Where a directory's health state comes from. The provisioning log (above this module in the
 * layering) registers the source when Nest builds it, so the directory list can show each
 * directory's state without this module importing the log (the UsersLifecycle pattern).
 */
@Injectable()
export class DirectoryStates {
  private source: DirectoryStateSource | undefined;

  register(source: DirectoryStateSource): void {
    this.source = source;
  }

  async of(directories: Directory[]): Promise<Map<string, DirectoryState>> {
    return this.source && directories.length ? this.source(directories) : new Map();
  }
}
