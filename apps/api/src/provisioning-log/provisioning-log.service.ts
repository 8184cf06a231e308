import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource, In, LessThan } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { insertRows, Transactions } from '@app/database';
import { bearerTokenOf } from '../auth/bearer-token.util';
import type { DirectoryPrincipal } from '../auth/principal.types';
import { hashToken, looksLike } from '../auth/secret-token.util';
import { DirectoryToken } from '../directories/directory-token.entity';
import { failureOf } from '../errors/failure-note.util';
import { isScimPath } from '../errors/scim-error.util';
import { existingNoteOf } from './operation-note.decorator';
import { ProvisioningEvent } from './provisioning-event.entity';

/** An event waiting to be written; `tokenHash` when only the (refused) token names the directory. */
type Pending = { event: ProvisioningEvent; tokenHash?: string };

const RECORDED = Symbol('provisioningRecorded');
const PRUNE_BATCH = 1000;
const PRUNE_BATCHES_PER_RUN = 20;
const PRUNE_EVERY_MS = 60 * 60_000;

/** Listeners of each written batch (the directory health, for its "failing" notification). */
export type BatchListener = (events: ProvisioningEvent[]) => Promise<void>;

/**
 * The provisioning log's write path (issue 11 §1). The request only builds an object and pushes
 * it onto an in-memory queue (Fastify's onSend hook, so the event exists before the client has
 * its answer); every `flushIntervalMs`, or as soon as `batchSize` are queued, one multi-row INSERT
 * writes them, in its own transaction, never in the request's. The queue is bounded: when the
 * database is down it fills, and further events are dropped and counted (a warning says how
 * many) rather than blocking requests or growing without limit. Shutdown flushes what is queued;
 * a crash loses at most the last interval's events.
 */
@Injectable()
export class ProvisioningLog implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ProvisioningLog.name);
  private queue: Pending[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly listeners: BatchListener[] = [];
  /** Events dropped because the queue was full, since boot. */
  dropped = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.provisioningLog.flushIntervalMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.pruneQuietly(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    setTimeout(() => void this.pruneQuietly(), 10_000).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    await this.flush();
  }

  onBatch(listener: BatchListener): void {
    this.listeners.push(listener);
  }

  /** Fastify onSend: records the request if it is a SCIM write or failure. Never throws, never waits. */
  readonly onSend = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void => {
    try {
      this.capture(request, reply, payload);
    } catch (err) {
      this.logger.warn({ err }, 'Could not record a provisioning event');
    }
    done(null, payload);
  };

  private capture(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    if (!isScimPath(request.url)) return;
    const r = request as FastifyRequest & { [RECORDED]?: true; user?: unknown };
    if (r[RECORDED]) return;
    r[RECORDED] = true;
    const status = reply.statusCode;
    // Lookups are the bulk of every cycle: they are logged only when they fail.
    if ((request.method === 'GET' || request.method === 'HEAD') && status < 400) return;
    const principal = isDirectory(r.user) ? r.user : undefined;
    let tokenHash: string | undefined;
    if (!principal) {
      // No principal: refused before or by authentication. A token of a known directory (revoked,
      // expired, paused) still names it, resolved off the request when the batch is written; an
      // unknown token names no directory and is left to the request log.
      const token = bearerTokenOf(request.headers.authorization);
      if (token === undefined || !looksLike('scim', token)) return;
      tokenHash = hashToken(token);
    }
    const route = request.routeOptions?.url ?? null;
    const note = existingNoteOf(request) ?? {};
    const failure = status >= 400 ? (failureOf(request) ?? failureFromPayload(status, payload)) : undefined;
    const params = (request.params ?? {}) as Record<string, unknown>;
    const routeId = typeof params.id === 'string' ? params.id : null;
    const event: ProvisioningEvent = {
      id: randomUUID(),
      organizationId: principal?.organizationId ?? '',
      directoryId: principal?.directoryId ?? '',
      tokenId: principal?.tokenId ?? null,
      at: new Date(),
      requestId: clip(String(request.id), 64) ?? '',
      method: request.method.slice(0, 8),
      route: clip(route ?? '(no route)', 64) ?? '',
      resourceType: note.resourceType ?? resourceTypeOf(route),
      resourceId: clip(note.resourceId ?? routeId, 64),
      userName: clip(note.userName ?? null, 255),
      operation: note.operation ?? defaultOperation(request.method, route),
      outcome: status < 400 ? (note.outcome ?? 'success') : 'failure',
      status,
      scimType: failure?.scimType ?? null,
      errorCode: failure ? clip(failure.code, 64) : null,
      errorMessage: failure ? clip(redact(failure.message), 500) : null,
      attributes: note.attributes?.length ? clip(note.attributes.join(','), 1000) : null,
      durationMs: Math.max(0, Math.round(reply.elapsedTime)),
    };
    this.enqueue({ event, tokenHash });
  }

  private enqueue(pending: Pending): void {
    if (this.queue.length >= this.config.provisioningLog.maxQueue) {
      if (this.dropped++ % 1000 === 0) this.logger.warn({ dropped: this.dropped }, 'Provisioning log queue is full; dropping events');
      return;
    }
    this.queue.push(pending);
    if (this.queue.length >= this.config.provisioningLog.batchSize) void this.flush();
  }

  /** Writes everything queued so far (the admin routes call it first, so a process reads its own events). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeQueued());
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.config.provisioningLog.batchSize);
      try {
        const events = await this.resolveDirectories(batch);
        if (events.length) await this.tx.run((m) => insertRows(m, ProvisioningEvent, events));
        for (const listener of this.listeners) await listener(events).catch((err: unknown) => this.logger.warn({ err }, 'Provisioning log listener failed'));
      } catch (err) {
        // The database is unreachable: keep the batch while there is room, and try again next tick.
        const room = Math.max(0, this.config.provisioningLog.maxQueue - this.queue.length);
        this.dropped += Math.max(0, batch.length - room);
        this.queue = [...batch.slice(0, room), ...this.queue];
        this.logger.warn({ err, queued: this.queue.length, dropped: this.dropped }, 'Could not write the provisioning log');
        return;
      }
    }
  }

  /** Events whose only clue is a refused token get that token's directory; unknown tokens are dropped. */
  private async resolveDirectories(batch: Pending[]): Promise<ProvisioningEvent[]> {
    const hashes = [...new Set(batch.flatMap((p) => (p.tokenHash ? [p.tokenHash] : [])))];
    const tokens = hashes.length
      ? await this.dataSource
          .getRepository(DirectoryToken)
          .find({ select: { id: true, directoryId: true, organizationId: true, tokenHash: true }, where: { tokenHash: In(hashes) } })
      : [];
    const byHash = new Map(tokens.map((t) => [t.tokenHash, t]));
    return batch.flatMap(({ event, tokenHash }) => {
      if (!tokenHash) return [event];
      const token = byHash.get(tokenHash);
      return token ? [{ ...event, organizationId: token.organizationId, directoryId: token.directoryId, tokenId: token.id }] : [];
    });
  }

  /**
   * Deletes events older than the retention, oldest first, in batches of 1,000 (at most 20 per
   * run, so one run never holds the table for long; the next run carries on). Returns how many.
   */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.provisioningLog.retentionDays * 86_400_000);
    const repo = this.dataSource.getRepository(ProvisioningEvent);
    let deleted = 0;
    for (let i = 0; i < PRUNE_BATCHES_PER_RUN; i++) {
      const rows = await repo.find({ select: { id: true }, where: { at: LessThan(cutoff) }, order: { at: 'ASC' }, take: PRUNE_BATCH });
      if (rows.length === 0) break;
      await this.tx.run((m) => m.delete(ProvisioningEvent, { id: In(rows.map((r) => r.id)) }));
      deleted += rows.length;
      if (rows.length < PRUNE_BATCH) break;
    }
    return deleted;
  }

  private async pruneQuietly(): Promise<void> {
    try {
      await this.prune();
    } catch (err) {
      this.logger.warn({ err }, 'Could not prune the provisioning log');
    }
  }
}

const isDirectory = (user: unknown): user is DirectoryPrincipal =>
  typeof user === 'object' && user !== null && (user as { kind?: unknown }).kind === 'directory';

const clip = (value: string | null, max: number): string | null => (value === null ? null : value.length > max ? value.slice(0, max) : value);

function resourceTypeOf(route: string | null): string | null {
  if (!route) return null;
  if (/^\/scim\/v2\/users/i.test(route)) return 'User';
  if (/^\/scim\/v2\/groups/i.test(route)) return 'Group';
  return null;
}

/** What a request that named no operation (it failed first) was trying to do, from its method. */
function defaultOperation(method: string, route: string | null): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'PUT':
    case 'PATCH':
      return 'update';
    case 'DELETE':
      return 'delete';
    default:
      return route?.endsWith('/:id') ? 'get' : 'lookup';
  }
}

/**
 * Messages may quote what the client sent (`userName "…" is already in use`); the log keeps
 * names, never values, so every quoted part is masked.
 */
export const redact = (message: string): string => message.replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'");

/** A refusal Fastify rendered itself (before Nest): status, scimType and detail from the SCIM Error body. */
function failureFromPayload(status: number, payload: unknown): { scimType: string | null; code: string; message: string } {
  let scimType: string | null = null;
  let message = '';
  if (typeof payload === 'string' && payload.length < 10_000) {
    try {
      const body = JSON.parse(payload) as { scimType?: unknown; detail?: unknown };
      if (typeof body.scimType === 'string') scimType = body.scimType;
      if (typeof body.detail === 'string') message = body.detail;
    } catch {
      // not JSON: keep the status only
    }
  }
  return { scimType, code: `HTTP_${status}`, message };
}
