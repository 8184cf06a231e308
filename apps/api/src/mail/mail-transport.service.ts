import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { SendMailOptions, Transporter } from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { APP_CONFIG, AppConfig, MailConfig } from '@app/config';
import type { RenderedMail } from './mail.templates';

/** One rendered email, named by its outbox row. */
export interface Envelope extends RenderedMail {
  outboxId: string;
  to: string;
}

/** A dead or silent SMTP server fails the attempt quickly instead of holding the drain. */
const SMTP_TIMEOUT_MS = 10_000;

/**
 * Where emails leave the service: the SMTP server of SMTP_URL (nodemailer), or, without it,
 * one `.eml` file per message under MAIL_DIR (development). Nothing here logs a body, an accept
 * link or the SMTP URL (it may hold a password).
 *
 * Every message carries the Message-ID `<outbox id@sender's domain>`: a message sent again (the
 * process or its database node died between the send and the `sent` mark) has the same
 * Message-ID as the first copy, so mail systems and people can recognise it as the same one.
 */
@Injectable()
export class MailTransport implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private readonly mail: MailConfig;
  /** Null without SMTP_URL: messages are then written to `mail.dir` as .eml files. */
  private readonly smtp: Transporter | null;
  private readonly files: Transporter<StreamTransport.SentMessageInfo>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.mail = config.mail;
    this.smtp = this.mail.smtpUrl ? nodemailer.createTransport(withTimeouts(this.mail.smtpUrl)) : null;
    this.files = nodemailer.createTransport({ streamTransport: true, buffer: true });
  }

  onApplicationBootstrap(): void {
    if (this.mail.smtpUrl) {
      this.logger.log(`Mail: sending through the SMTP server at ${smtpAddress(this.mail.smtpUrl)}`);
    } else {
      this.logger.log(`Mail: SMTP_URL is not set, so emails are written as .eml files to ${resolve(this.mail.dir)} (development)`);
    }
  }

  onApplicationShutdown(): void {
    this.smtp?.close();
    this.files.close();
  }

  /** Resolves once the SMTP server accepted the message (or the file is written); throws otherwise. */
  async send(envelope: Envelope): Promise<void> {
    const { outboxId, to, subject, text, html } = envelope;
    const mail: SendMailOptions = { from: this.mail.from, to, subject, text, html, messageId: messageIdOf(outboxId, this.mail.from) };
    if (this.smtp) {
      await this.smtp.sendMail(mail);
      return;
    }
    const { message: raw } = await this.files.sendMail(mail);
    await mkdir(this.mail.dir, { recursive: true });
    const file = resolve(join(this.mail.dir, `${outboxId}.eml`));
    await writeFile(file, raw);
    this.logger.log({ outboxId, file }, `Email written to ${file} (no SMTP_URL set)`);
  }
}

/** `<outbox id@domain of the sender>`: stable for a message, unique across messages. */
export function messageIdOf(outboxId: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${outboxId}@${domain}>`;
}

/** The URL with default timeouts (nodemailer ignores other options when given a URL); the URL's own win. */
function withTimeouts(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  for (const key of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
    if (!url.searchParams.has(key)) url.searchParams.set(key, String(SMTP_TIMEOUT_MS));
  }
  return url.toString();
}

/** host:port only: the URL may hold a password. */
function smtpAddress(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
  return `${url.hostname}:${port}`;
}
