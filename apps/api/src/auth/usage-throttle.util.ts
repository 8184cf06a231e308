/**
 * Decides when to persist a "last used" timestamp. Writing it on every request would add a
 * write to every SCIM call; once a minute per token (per replica) keeps the timestamp useful at
 * minute resolution. This holds no authorisation state: revocation is always read from the
 * database.
 */
export class UsageThrottle {
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly intervalMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  shouldRecord(id: string, now = Date.now()): boolean {
    const last = this.lastWrite.get(id);
    if (last !== undefined && now - last < this.intervalMs) return false;
    if (this.lastWrite.size >= this.maxEntries) this.lastWrite.clear();
    this.lastWrite.set(id, now);
    return true;
  }
}
