import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import type { Transactions } from '@app/database';
import { ProvisioningLog, redact } from './provisioning-log.service';

/** The write path's bounds, with a database that can be switched off (no real database needed for the queue rules). */
function harness(maxQueue: number, batchSize = 1000) {
  const base = loadConfig({});
  const config = { ...base, provisioningLog: { ...base.provisioningLog, maxQueue, batchSize } };
  const written: unknown[][] = [];
  let down = false;
  const tx = {
    run: async (work: (m: unknown) => Promise<void>) => {
      if (down) throw new Error('connect ECONNREFUSED');
      const m = {
        dataSource: { getMetadata: () => ({ columns: [], tableName: 't' }), driver: { escape: (s: string) => s } },
        query: async (_sql: string, params: unknown[]) => written.push(params),
      };
      return work(m);
    },
  } as unknown as Transactions;
  const log = new ProvisioningLog({} as DataSource, tx, config);
  const send = (method = 'POST', status = 201): void => {
    const request = {
      url: '/scim/v2/Users',
      method,
      id: 'req',
      headers: {},
      params: {},
      routeOptions: { url: '/scim/v2/Users' },
      user: { kind: 'directory', directoryId: 'd', organizationId: 'o', tokenId: 't' },
    };
    log.onSend(request as unknown as FastifyRequest, { statusCode: status, elapsedTime: 3 } as unknown as FastifyReply, '', () => undefined);
  };
  return { log, send, written, setDown: (v: boolean) => (down = v) };
}

describe('ProvisioningLog write path', () => {
  it('queues writes and failures, not successful lookups, and writes them in one INSERT', async () => {
    const { log, send, written } = harness(100);
    send('POST', 201);
    send('GET', 200);
    send('GET', 400);
    await log.flush();
    expect(written).toHaveLength(1);
    expect(log.dropped).toBe(0);
  });

  it('keeps at most maxQueue events while the database is down, drops and counts the rest, and writes them once it is back', async () => {
    const { log, send, written, setDown } = harness(3);
    setDown(true);
    for (let i = 0; i < 5; i++) send();
    expect(log.dropped).toBe(2);
    await log.flush(); // fails: the three are kept
    expect(written).toHaveLength(0);
    send();
    expect(log.dropped).toBe(3);
    setDown(false);
    await log.flush();
    expect(written).toHaveLength(1);
    await log.flush(); // nothing left
    expect(written).toHaveLength(1);
  });

  it('flushes what is queued on shutdown', async () => {
    const { log, send, written } = harness(100);
    send();
    await log.onModuleDestroy();
    expect(written).toHaveLength(1);
  });

  it('masks quoted values in messages', () => {
    expect(redact('userName "ada@contoso.test" is already in use')).toBe('userName "…" is already in use');
    expect(redact("Unknown attribute 'x'")).toBe("Unknown attribute '…'");
    expect(redact('A valid bearer token is required')).toBe('A valid bearer token is required');
  });
});
