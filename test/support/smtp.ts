import { createServer } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts, parsed. */
export interface SmtpListener {
  port: number;
  /** What SMTP_URL would be set to, e.g. `smtp://127.0.0.1:2525`. */
  url: string;
  /** Messages in the order they were accepted (from, to, subject, text, html…). */
  messages: ParsedMail[];
  /** Resolves once at least `n` messages arrived; rejects after `timeoutMs`, saying how many did. */
  waitForMessages(n: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /**
   * Holds the acceptance of the next message: `held` resolves once it has arrived (its sender is
   * then waiting for the server's answer), and it is stored and acknowledged only at `release()`.
   */
  holdNext(): { held: Promise<ParsedMail>; release(): void };
  close(): Promise<void>;
}

/**
 * Starts the listener on `port` (0: any free port). Any credentials or none are accepted, in
 * clear text. A message is parsed and stored before the server acknowledges it, so once the
 * sender's sendMail() resolved, the message is in `messages`.
 */
export async function startSmtpListener(port = 0): Promise<SmtpListener> {
  const messages: ParsedMail[] = [];
  let hold: { arrived: (mail: ParsedMail) => void; released: Promise<void> } | null = null;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    // Closing must not wait for a sender that keeps its connection open.
    closeTimeout: 1_000,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then(async (mail) => {
          const held = hold;
          hold = null;
          if (held) {
            held.arrived(mail);
            await held.released;
          }
          messages.push(mail);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('SMTP listener has no TCP address');

  return {
    port: address.port,
    url: `smtp://127.0.0.1:${address.port}`,
    messages,
    async waitForMessages(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`Expected ${n} email(s) within ${timeoutMs} ms, got ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
    holdNext() {
      let arrived!: (mail: ParsedMail) => void;
      let release!: () => void;
      const held = new Promise<ParsedMail>((resolve) => (arrived = resolve));
      hold = { arrived, released: new Promise<void>((resolve) => (release = resolve)) };
      return { held, release };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (yet): for "the SMTP server is down", then started on it later. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Probe server has no TCP address');
  return address.port;
}
