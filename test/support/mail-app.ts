import type { AppConfig } from '@app/config';
import type { DirectoryHandle, OrgHandle, TestApp } from './app';
import type { Engine } from './databases';
import { startWithMail } from './people';
import type { ScimClient } from './scim-client';
import { SmtpListener, startSmtpListener } from './smtp';

/** A real SMTP listener and a test app whose mail goes to it: the set-up of every suite that reads email. */
export interface MailApp {
  smtp: SmtpListener;
  h: TestApp;
  /** Closes the app (dropping its database), then the listener. */
  close(): Promise<void>;
}

/** A MailApp with one organisation and one directory of it, and that directory's SCIM client. */
export interface MailOrg extends MailApp {
  org: OrgHandle;
  dir: DirectoryHandle;
  scim: ScimClient;
}

/** Starts the listener and the app (`tweak` adjusts its configuration, as in startWithMail); a failed start closes what started. */
export async function startMailApp(engine: Engine, tweak?: (c: AppConfig) => AppConfig): Promise<MailApp> {
  const smtp = await startSmtpListener();
  try {
    const h = await startWithMail(engine, smtp.url, tweak);
    return {
      smtp,
      h,
      close: async () => {
        await h.close();
        await smtp.close();
      },
    };
  } catch (err) {
    await smtp.close();
    throw err;
  }
}

/** startMailApp, then an organisation named `orgName` and a directory; `flag`: its SCIM client sends `?aadOptscim062020`. */
export async function startMailOrg(
  engine: Engine,
  orgName?: string,
  { flag = false, tweak }: { flag?: boolean; tweak?: (c: AppConfig) => AppConfig } = {},
): Promise<MailOrg> {
  const app = await startMailApp(engine, tweak);
  try {
    const org = await app.h.organization(orgName);
    const dir = await org.directory();
    return { ...app, org, dir, scim: dir.scim(flag) };
  } catch (err) {
    await app.close();
    throw err;
  }
}
