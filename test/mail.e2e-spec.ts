import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressObject, ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import type { MailConfig } from '@app/config';
import { Transactions } from '@app/database';
import { createApp } from '../apps/api/src/bootstrap';
import { EmailOutbox } from '../apps/api/src/mail/email-outbox.entity';
import { MailService, OutgoingMail } from '../apps/api/src/mail/mail.service';
import { DrainResult, OutboxDispatcher } from '../apps/api/src/mail/outbox-dispatcher.service';
import { SCRUBBED } from '../apps/api/src/mail/mail.templates';
import { LogCapture, startTestApp, TestApp } from './support/app';
import { Engine, testEngines } from './support/databases';
import { freePort, SmtpListener, startSmtpListener } from './support/smtp';

/**
 * The email outbox (issue #5): a message is written in the caller's transaction and delivered
 * by the dispatcher to a real SMTP listener, exactly once, across outages and replicas.
 * The poll timer is set to an hour and commits do not wake the dispatcher, so only explicit
 * drain() calls deliver (one test turns the wake-up on).
 */

const FROM = 'Frankli Test <no-reply@people.example.test>';
const FROM_ADDRESS = { name: 'Frankli Test', address: 'no-reply@people.example.test' };
const HOUR = 60 * 60_000;
const NOTHING: DrainResult = { sent: 0, retried: 0, failed: 0 };

/** Boots the real app with its mail settings adjusted (the timer effectively off: tests drain). */
async function startMailApp(engine: Engine, mail: Partial<MailConfig>): Promise<TestApp> {
  return startTestApp(engine, (config) => ({ ...config, mail: { ...config.mail, from: FROM, pollIntervalMs: HOUR, wakeOnCommit: false, ...mail } }));
}

/** The app's mail pieces, and a few readers over the outbox table. */
class Outbox {
  readonly mail: MailService;
  readonly dispatcher: OutboxDispatcher;
  readonly tx: Transactions;
  readonly dataSource: DataSource;

  constructor(app: NestFastifyApplication) {
    this.mail = app.get(MailService);
    this.dispatcher = app.get(OutboxDispatcher);
    this.tx = app.get(Transactions);
    this.dataSource = app.get<DataSource>(getDataSourceToken());
  }

  queue(mails: OutgoingMail[]): Promise<string[]> {
    return this.tx.run((m) => this.mail.enqueue(m, mails));
  }

  row(id: string): Promise<EmailOutbox> {
    return this.dataSource.getRepository(EmailOutbox).findOneByOrFail({ id });
  }

  async statuses(ids: string[]): Promise<string[]> {
    return Promise.all(ids.map(async (id) => (await this.row(id)).status));
  }
}

/** A fresh secret token per message, so a test can tell exactly which link went where. */
const newToken = (): string => `inv_${randomBytes(12).toString('hex')}`;
const acceptUrl = (token: string): string => `https://app.example.test/accept-invitation#token=${token}`;
const uniqueAddress = (name: string): string => `${name}.${randomBytes(4).toString('hex')}@example.test`;

const invitation = (to: string, token: string, ref?: string): OutgoingMail => ({
  template: 'invitation',
  organizationId: null,
  to,
  ref,
  data: {
    productName: 'Frankli',
    organizationName: 'Contoso',
    inviteeName: 'Ada Lovelace',
    inviterName: 'Grace Hopper',
    acceptUrl: acceptUrl(token),
    expiresAt: '2030-03-08T14:05:00.000Z',
  },
});

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
const sentTo = (messages: ParsedMail[], to: string): ParsedMail[] => messages.filter((m) => addresses(m.to).includes(to));

describe.each(testEngines())('email outbox on %s', (engine) => {
  describe('with an SMTP server', () => {
    const PASSWORD = 'smtp-secret-password';
    let listener: SmtpListener;
    let t: TestApp;
    let o: Outbox;

    beforeAll(async () => {
      listener = await startSmtpListener();
      // Credentials in the URL: the listener accepts any, and the logs must never show them.
      t = await startMailApp(engine, { smtpUrl: `smtp://mailer:${PASSWORD}@127.0.0.1:${listener.port}` });
      o = new Outbox(t.app);
    });

    afterAll(async () => {
      await t?.close();
      await listener?.close();
    });

    beforeEach(() => {
      listener.messages.length = 0;
    });

    it('logs at boot that it uses SMTP, with host and port only', () => {
      const logs = t.logs.text();
      expect(logs).toContain(`SMTP server at 127.0.0.1:${listener.port}`);
      expect(logs).not.toContain(PASSWORD);
      expect(logs).not.toContain('smtp://');
    });

    it('never sends a message queued in a transaction that then fails', async () => {
      const to = uniqueAddress('rolled-back');
      await expect(
        o.tx.run(async (m) => {
          await o.mail.enqueue(m, [invitation(to, newToken())]);
          throw new Error('the invitation failed');
        }),
      ).rejects.toThrow('the invitation failed');

      expect(await o.dataSource.getRepository(EmailOutbox).countBy({ recipient: to })).toBe(0);
      expect(await o.dispatcher.drain()).toEqual(NOTHING);
      expect(listener.messages).toHaveLength(0);
    });

    it('delivers a queued message once, with the right headers and the link, then scrubs the link from the outbox', async () => {
      const to = uniqueAddress('ada');
      const token = newToken();
      const [id] = await o.queue([invitation(to, token, `invitation:${to}`)]);
      expect(await o.row(id)).toMatchObject({ status: 'pending', attempts: 0, recipient: to, template: 'invitation' });

      expect(await o.dispatcher.drain()).toEqual({ sent: 1, retried: 0, failed: 0 });

      expect(listener.messages).toHaveLength(1);
      const [message] = listener.messages;
      expect(message.from?.value).toEqual([FROM_ADDRESS]);
      expect(addresses(message.to)).toEqual([to]);
      expect(message.subject).toBe("You're invited to join Contoso on Frankli");
      expect(message.text).toContain(acceptUrl(token));
      expect(message.html).toContain(`href="${acceptUrl(token)}"`);
      // Named by its outbox row: a copy sent again would carry the same Message-ID.
      expect(message.messageId).toBe(`<${id}@people.example.test>`);

      const row = await o.row(id);
      expect(row).toMatchObject({ status: 'sent', attempts: 1, lockedUntil: null, lastError: null });
      expect(row.sentAt).toBeInstanceOf(Date);
      expect(row.payload).not.toContain(token);
      expect(JSON.parse(row.payload)).toMatchObject({ acceptUrl: SCRUBBED, organizationName: 'Contoso' });

      expect(await o.dispatcher.drain()).toEqual(NOTHING);
      expect(listener.messages).toHaveLength(1);

      const logs = t.logs.text();
      expect(logs).toContain(id);
      expect(logs).not.toContain(token);
    });

    it('delivers once the queuing transaction commits, without a drain or any call to the dispatcher', async () => {
      // Another instance with the production setting: a commit that queued mail wakes its dispatcher.
      const awake = await createApp({ config: { ...t.config, mail: { ...t.config.mail, wakeOnCommit: true } }, logStream: new LogCapture() });
      try {
        const a = new Outbox(awake);
        const to = uniqueAddress('woken');
        const [id] = await a.queue([invitation(to, newToken()), invitation(uniqueAddress('woken-too'), newToken())]);
        await listener.waitForMessages(2);
        expect(sentTo(listener.messages, to)).toHaveLength(1);

        // The row is marked sent right after the server accepted the message.
        await eventually(async () => expect((await o.row(id)).status).toBe('sent'));
        expect(await a.dispatcher.drain()).toEqual(NOTHING);

        // A transaction that rolls back wakes nothing and sends nothing.
        await expect(
          a.tx.run(async (m) => {
            await a.mail.enqueue(m, [invitation(uniqueAddress('never'), newToken())]);
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        expect(await a.dispatcher.drain()).toEqual(NOTHING);
        expect(listener.messages).toHaveLength(2);
      } finally {
        await awake.close();
      }
    });

    it('delivers each message exactly once when dispatchers drain concurrently', async () => {
      const recipients = Array.from({ length: 20 }, (_, i) => uniqueAddress(`concurrent${i}`));
      const ids = await o.queue(recipients.map((to) => invitation(to, newToken())));

      // A second replica: another app instance on the same database (its own pool, its own queue).
      const replica = await createApp({ config: t.config, logStream: new LogCapture() });
      try {
        const results = await Promise.all([
          o.dispatcher.drain(),
          o.dispatcher.drain(),
          replica.get(OutboxDispatcher).drain(),
          replica.get(OutboxDispatcher).drain(),
        ]);
        expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(20);
        expect(results.every((r) => r.retried === 0 && r.failed === 0)).toBe(true);
      } finally {
        await replica.close();
      }

      expect(listener.messages).toHaveLength(20);
      expect(listener.messages.flatMap((m) => addresses(m.to)).sort()).toEqual([...recipients].sort());
      expect(await o.statuses(ids)).toEqual(ids.map(() => 'sent'));
      for (const id of ids) expect((await o.row(id)).attempts).toBe(1);
    });

    it('cancels a pending message when a newer one with the same ref is queued: only the newer is delivered', async () => {
      const to = uniqueAddress('reinvited');
      const ref = `invitation:${to}`;
      const [oldToken, newerToken] = [newToken(), newToken()];
      const [oldId] = await o.queue([invitation(to, oldToken, ref)]);
      const [newId] = await o.queue([invitation(to, newerToken, ref)]);
      expect(await o.statuses([oldId, newId])).toEqual(['cancelled', 'pending']);

      expect(await o.dispatcher.drain()).toEqual({ sent: 1, retried: 0, failed: 0 });
      expect(listener.messages).toHaveLength(1);
      expect(listener.messages[0].text).toContain(newerToken);
      expect(listener.messages[0].text).not.toContain(oldToken);

      // A sent message stays sent; within one batch the last message for a ref wins.
      const [a, b] = [newToken(), newToken()];
      const [firstId, lastId] = await o.queue([invitation(to, a, ref), invitation(to, b, ref)]);
      expect(await o.statuses([oldId, newId, firstId, lastId])).toEqual(['cancelled', 'sent', 'cancelled', 'pending']);
      expect(await o.dispatcher.drain()).toEqual({ sent: 1, retried: 0, failed: 0 });
      expect(listener.messages).toHaveLength(2);
      expect(listener.messages[1].text).toContain(b);
    });

    it('queues and re-queues thousands of messages in one call (bulk invitations)', async () => {
      const recipients = Array.from({ length: 1200 }, (_, i) => `bulk${i}.${randomBytes(3).toString('hex')}@example.test`);
      const first = await o.queue(recipients.map((to) => invitation(to, newToken(), `invitation:${to}`)));
      expect(new Set(first).size).toBe(1200);
      const second = await o.queue(recipients.map((to) => invitation(to, newToken(), `invitation:${to}`)));

      const count = async (ids: string[], status: string): Promise<number> => {
        let n = 0;
        for (let i = 0; i < ids.length; i += 500) {
          n += await o.dataSource
            .getRepository(EmailOutbox)
            .createQueryBuilder('o')
            .where('o.id IN (:...ids)', { ids: ids.slice(i, i + 500) })
            .andWhere('o.status = :status', { status })
            .getCount();
        }
        return n;
      };
      expect(await count(first, 'cancelled')).toBe(1200);
      expect(await count(second, 'pending')).toBe(1200);

      // Not delivered here: cancel them so later tests start with an empty queue.
      await o.dataSource.query("UPDATE email_outbox SET status = 'cancelled' WHERE status = 'pending'");
    });
  });

  describe('while the SMTP server is down', () => {
    const RETRY_BASE_MS = 60_000;
    const MAX_ATTEMPTS = 3;
    let port: number;
    let t: TestApp;
    let o: Outbox;

    beforeAll(async () => {
      port = await freePort();
      t = await startMailApp(engine, { smtpUrl: `smtp://127.0.0.1:${port}`, retryBaseMs: RETRY_BASE_MS, maxAttempts: MAX_ATTEMPTS });
      o = new Outbox(t.app);
    });

    afterAll(async () => t?.close());

    it(`marks a message failed after ${MAX_ATTEMPTS} failed attempts and scrubs its payload`, async () => {
      const token = newToken();
      const [id] = await o.queue([invitation(uniqueAddress('unlucky'), token)]);
      const start = new Date();

      expect(await o.dispatcher.drain(start)).toEqual({ sent: 0, retried: 1, failed: 0 });
      expect(await o.row(id)).toMatchObject({ status: 'pending', attempts: 1 });
      expect(await o.dispatcher.drain(new Date(start.getTime() + HOUR))).toEqual({ sent: 0, retried: 1, failed: 0 });
      expect(await o.row(id)).toMatchObject({ status: 'pending', attempts: 2 });
      expect(await o.dispatcher.drain(new Date(start.getTime() + 2 * HOUR))).toEqual({ sent: 0, retried: 0, failed: 1 });

      const row = await o.row(id);
      expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, lockedUntil: null, sentAt: null });
      expect(row.lastError).toMatch(/ECONNREFUSED/);
      expect(row.payload).not.toContain(token);
      expect(JSON.parse(row.payload)).toMatchObject({ acceptUrl: SCRUBBED });
      expect(await o.dispatcher.drain(new Date(start.getTime() + 100 * HOUR))).toEqual(NOTHING);
    });

    it('keeps the message, backs off, and delivers it exactly once when the server is back', async () => {
      const to = uniqueAddress('patient');
      const token = newToken();
      const [id] = await o.queue([invitation(to, token)]);
      const now = new Date();

      expect(await o.dispatcher.drain(now)).toEqual({ sent: 0, retried: 1, failed: 0 });
      const failed = await o.row(id);
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, lockedUntil: null, sentAt: null });
      expect(failed.lastError).toMatch(/ECONNREFUSED/);
      expect(failed.lastError).not.toContain(token);
      expect(failed.nextAttemptAt.getTime()).toBe(now.getTime() + RETRY_BASE_MS);
      expect(failed.payload).toContain(token); // still needed for the retry

      // Not due yet: nothing is attempted.
      expect(await o.dispatcher.drain(now)).toEqual(NOTHING);
      expect((await o.row(id)).attempts).toBe(1);

      const listener = await startSmtpListener(port);
      try {
        expect(await o.dispatcher.drain(now)).toEqual(NOTHING);
        expect(listener.messages).toHaveLength(0);

        const later = new Date(failed.nextAttemptAt.getTime() + 1);
        expect(await o.dispatcher.drain(later)).toEqual({ sent: 1, retried: 0, failed: 0 });
        expect(listener.messages).toHaveLength(1);
        expect(addresses(listener.messages[0].to)).toEqual([to]);
        expect(listener.messages[0].text).toContain(acceptUrl(token));

        const sent = await o.row(id);
        expect(sent).toMatchObject({ status: 'sent', attempts: 2, lockedUntil: null });
        expect(sent.payload).not.toContain(token);

        expect(await o.dispatcher.drain(new Date(later.getTime() + HOUR))).toEqual(NOTHING);
        expect(listener.messages).toHaveLength(1);
      } finally {
        await listener.close();
      }

      const logs = t.logs.text();
      expect(logs).toContain(id);
      expect(logs).toContain('ECONNREFUSED');
      expect(logs).not.toContain(token);
    });
  });

  describe('without SMTP_URL (development)', () => {
    let root: string;
    let dir: string;
    let t: TestApp;
    let o: Outbox;

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'mail-test-'));
      dir = join(root, 'outbox'); // does not exist yet: the dispatcher creates it
      t = await startMailApp(engine, { smtpUrl: null, dir });
      o = new Outbox(t.app);
    });

    afterAll(async () => {
      await t?.close();
      rmSync(root, { recursive: true, force: true });
    });

    it('writes each message as an .eml file and logs where, never the link', async () => {
      const to = uniqueAddress('dev');
      const token = newToken();
      const [id] = await o.queue([invitation(to, token)]);
      expect(await o.dispatcher.drain()).toEqual({ sent: 1, retried: 0, failed: 0 });

      const file = join(dir, `${id}.eml`);
      expect(existsSync(file)).toBe(true);
      const parsed = await simpleParser(readFileSync(file));
      expect(parsed.from?.value).toEqual([FROM_ADDRESS]);
      expect(addresses(parsed.to)).toEqual([to]);
      expect(parsed.subject).toBe("You're invited to join Contoso on Frankli");
      expect(parsed.text).toContain(acceptUrl(token));
      expect(parsed.html).toContain(acceptUrl(token));
      expect((await o.row(id)).status).toBe('sent');

      const logs = t.logs.text();
      expect(logs).toContain('written as .eml files');
      expect(logs).toContain(id);
      expect(logs).not.toContain(token);
    });
  });
});

/** Retries an assertion until it passes or `timeoutMs` ran out, then throws its last failure. */
async function eventually(assertion: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
