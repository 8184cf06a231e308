import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { insertRows } from '@app/database';
import type { DirectoryScope } from '../org-structure/org-structure-sync.service';
import { DeprovisionGuardService, DeprovisionNotice, DeprovisionRecorder as Recorder } from '../users/deprovision-guard.service';
import { ProvisioningEvent } from './provisioning-event.entity';

const ROUTES = {
  held: '(deprovision guard tripped)',
  approved: '/api/v1/directories/:id/held-deprovisions/approve',
  rejected: '/api/v1/directories/:id/held-deprovisions/reject',
} as const;

/**
 * The provisioning log's events for what the mass-deprovisioning guard does outside the SCIM
 * request that asked for it, written in the guard's transaction: a `held` event for each person who
 * was pending when the guard tripped (the request that tripped it, and every later one, logs
 * `held` itself), and the admin's approval (`disable` / `delete`, success) or rejection (`reject`).
 * Each keeps the id of the SCIM request that asked, so a person's history reads as one story.
 */
@Injectable()
export class DeprovisionEventsRecorder implements Recorder {
  constructor(guard: DeprovisionGuardService) {
    guard.registerRecorder(this);
  }

  async record(m: EntityManager, scope: DirectoryScope, what: 'held' | 'approved' | 'rejected', people: DeprovisionNotice[]): Promise<void> {
    if (people.length === 0) return;
    const at = new Date();
    const rows: ProvisioningEvent[] = people.map((p) => ({
      id: randomUUID(),
      organizationId: scope.organizationId,
      directoryId: scope.directoryId,
      tokenId: null,
      at,
      requestId: (p.requestId ?? '').slice(0, 64),
      method: what === 'held' ? 'GUARD' : 'POST',
      route: ROUTES[what],
      resourceType: 'User',
      resourceId: p.userId,
      userName: p.userName ? p.userName.slice(0, 255) : null,
      operation: what === 'rejected' ? 'reject' : p.reason === 'deleted' ? 'delete' : 'disable',
      outcome: what === 'held' ? 'held' : 'success',
      status: 200,
      scimType: null,
      errorCode: null,
      errorMessage: null,
      attributes: 'active',
      durationMs: 0,
    }));
    await insertRows(m, ProvisioningEvent, rows);
  }
}
