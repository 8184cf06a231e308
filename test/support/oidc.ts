import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type TestAgent from 'supertest/lib/agent';

export interface TestProvider {
  issuer: string;
  /** Replaces the provider's accounts: id -> claims (tid, oid, email, email_verified, xms_edov, name). */
  setAccounts(accounts: Record<string, Record<string, unknown>>): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts test/support/oidc-provider.mjs, a real `oidc-provider` in a child process (it is ESM-only,
 * which Jest's CommonJS runtime cannot load; a process of its own is also closer to a real IdP).
 */
export async function startProvider(client: { clientId: string; clientSecret: string; redirectUri: string }, clockOffsetSeconds = 0): Promise<TestProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs')], {
    env: {
      ...process.env,
      CLIENT_ID: client.clientId,
      CLIENT_SECRET: client.clientSecret,
      REDIRECT_URI: client.redirectUri,
      CLOCK_OFFSET_SECONDS: String(clockOffsetSeconds),
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { issuer: string }).issuer));
    child.once('exit', (code) => reject(new Error(`provider exited (${code}):\n${output}`)));
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  return {
    issuer,
    async setAccounts(accounts) {
      const res = await fetch(`${issuer}/test/accounts`, { method: 'PUT', body: JSON.stringify(accounts) });
      if (res.status !== 204) throw new Error(`setAccounts: ${res.status}`);
    },
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A browser's cookies, per host (enough for two hosts on loopback: ours and the provider). */
class CookieJar {
  private readonly jar = new Map<string, Map<string, string>>();

  store(host: string, setCookies: string[]): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const sc of setCookies) {
      const [pair, ...attrs] = sc.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
  }

  header(host: string): string {
    return [...(this.jar.get(host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }
}

export interface Answer {
  status: number;
  location: string | null;
  headers: Record<string, string>;
  text: string;
}

/**
 * A scripted browser: follows nothing by itself. Requests to our app (any path) go through
 * supertest; to the provider through fetch. Each keeps cookies like a browser would.
 */
export class Browser {
  readonly cookies = new CookieJar();

  constructor(
    private readonly app: TestAgent,
    private readonly provider: string,
  ) {}

  /** GET (or form POST) `url`: an app path ("/api/…"), or an absolute provider URL. */
  async request(url: string, form?: Record<string, string>): Promise<Answer> {
    if (url.startsWith(this.provider)) {
      const res = await fetch(url, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: this.cookies.header('idp'), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      this.cookies.store('idp', res.headers.getSetCookie());
      const location = res.headers.get('location');
      return { status: res.status, location: location ? new URL(location, url).href : null, headers: Object.fromEntries(res.headers), text: await res.text() };
    }
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    const res = await this.app.get(path).set('cookie', this.cookies.header('app')).redirects(0);
    const setCookie = res.headers['set-cookie'] as unknown as string[] | undefined;
    this.cookies.store('app', setCookie ?? []);
    return { status: res.status, location: res.headers.location ?? null, headers: res.headers, text: res.text };
  }

  /**
   * At the provider: from the authorization URL, through its login form (account `login`, any
   * password) and its consent form, to the redirect back to our callback (returned, not followed).
   */
  async signInAtProvider(authorizationUrl: string, login: string): Promise<string> {
    let answer = await this.request(authorizationUrl);
    for (let step = 0; step < 10; step++) {
      if (!answer.location) throw new Error(`provider answered ${answer.status} without a redirect:\n${answer.text.slice(0, 500)}`);
      if (!answer.location.startsWith(this.provider)) return answer.location;
      answer = await this.request(answer.location);
      if (answer.status === 200) {
        const action = /<form[^>]*action="([^"]+)"/.exec(answer.text)?.[1];
        const prompt = /name="prompt" value="([^"]+)"/.exec(answer.text)?.[1];
        if (!action || !prompt) throw new Error(`no form on the provider's page:\n${answer.text.slice(0, 500)}`);
        const form: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt };
        answer = await this.request(new URL(action.replace(/&amp;/g, '&'), this.provider).href, form);
      }
    }
    throw new Error('too many provider steps');
  }
}
