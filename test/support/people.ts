import type { ParsedMail } from 'mailparser';
import type { AppConfig } from '@app/config';
import type { Engine } from './databases';
import { OrgHandle, startTestApp, TestApp } from './app';
import { expectStatus, Json } from './scim-client';
import type { SmtpListener } from './smtp';

/**
 * A test app whose mail goes to `smtpUrl` (a real SMTP listener). The dispatcher's timer is
 * effectively off: mail leaves only when a commit wakes it (or a test drains), so tests decide
 * when retries happen.
 */
export function startWithMail(engine: Engine, smtpUrl: string, tweak: (c: AppConfig) => AppConfig = (c) => c): Promise<TestApp> {
  return startTestApp(engine, (c) => tweak({ ...c, mail: { ...c.mail, smtpUrl, pollIntervalMs: 3_600_000, retryBaseMs: 1_000 } }));
}

/** The accept link of an invitation email (from its text part). */
export function acceptLink(mail: ParsedMail): URL {
  const match = /https?:\/\/\S+[?&]token=[^\s"<>]+/.exec(mail.text ?? '');
  if (!match) throw new Error(`no accept link in:\n${mail.text}`);
  return new URL(match[0]);
}

export const tokenOf = (mail: ParsedMail): string => acceptLink(mail).searchParams.get('token') ?? '';

/** The messages sent to `email`, in order. */
export const mailTo = (smtp: SmtpListener, email: string): ParsedMail[] =>
  smtp.messages.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((to) => to?.value.some((a) => a.address?.toLowerCase() === email.toLowerCase())));

/** Waits until `email` received `n` messages in all and returns the last one. */
export async function nthMailTo(smtp: SmtpListener, email: string, n: number, timeoutMs = 10_000): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  while (mailTo(smtp, email).length < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} message(s) to ${email}, got ${mailTo(smtp, email).length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return mailTo(smtp, email)[n - 1];
}

export const PASSWORD = 'a long enough passphrase';

/**
 * The whole journey for one in-app person: created by the admin, invited, the email read off
 * the listener, accepted with PASSWORD and signed in. Returns the person and a session token.
 */
export async function activePerson(org: OrgHandle, smtp: SmtpListener, email: string, extra: Json = {}): Promise<{ id: string; session: string }> {
  const h = org.h;
  const person = expectStatus(await h.send('post', '/api/v1/users', org.adminToken, { email, ...extra }), 201).body;
  const before = mailTo(smtp, email).length;
  expectStatus(await h.send('post', `/api/v1/users/${person.id}/invitation`, org.adminToken), 201);
  const mail = await nthMailTo(smtp, email, before + 1);
  expectStatus(await h.send('post', '/api/v1/invitations/accept', '', { token: tokenOf(mail), password: PASSWORD }), 200);
  return { id: person.id, session: await signIn(h, email) };
}

export async function signIn(h: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = expectStatus(await h.send('post', '/api/v1/auth/login', '', { email, password }), 200);
  h.secrets.add(res.body.token);
  return res.body.token;
}

/** Polls `probe` until it returns a value (not undefined), for effects of background work. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
