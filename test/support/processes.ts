import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { assertTestDatabaseUrl } from '@app/database';

export const ROOT = join(__dirname, '..', '..');
export const MAIN_JS = join(ROOT, 'dist/apps/api/src/main.js');
export const CLI_JS = join(ROOT, 'dist/apps/api/src/cli.js');

/** The contract tests run the built artefacts, exactly as `npm start` and `npm run cli` do. */
export function assertBuilt(): void {
  if (!existsSync(MAIN_JS) || !existsSync(CLI_JS)) throw new Error('Run `npm run build` before the e2e suite (npm test does).');
}

/** Environment for a child process: ours, minus anything that would steer it elsewhere. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'PORT', 'PUBLIC_URL', 'DB_MIGRATIONS_RUN', 'LOG_LEVEL']) delete env[k];
  return { ...env, NODE_ENV: 'test', ...extra };
}

/**
 * A child app or CLI writes to the database its DATABASE_URL names: only a test one. Without
 * DATABASE_URL the app uses ./data/app.sqlite of its working directory, which must then not be
 * this checkout (a developer's own data lives there).
 */
export function assertTestTarget(env: Record<string, string>, cwd: string): void {
  if (env.DATABASE_URL !== undefined) assertTestDatabaseUrl(env.DATABASE_URL);
  else if (resolve(cwd) === resolve(ROOT)) throw new Error(`Refusing to start the app without DATABASE_URL in ${ROOT}: it would use ./data/app.sqlite.`);
}

export function runCli(args: string[], env: Record<string, string>, cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  assertTestTarget(env, cwd);
  const r = spawnSync(process.execPath, [CLI_JS, ...args], { env: childEnv(env), cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningApi {
  baseUrl: string;
  process: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `onOutput` sees the process's output as it comes, before the API is healthy (e.g. to wait for a log line). */
export async function startApi(env: Record<string, string>, cwd = ROOT, onOutput?: (chunk: string) => void): Promise<RunningApi> {
  assertTestTarget(env, cwd);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN_JS], { env: childEnv({ PORT: String(port), ...env }), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer): void => {
    output += d.toString();
    onOutput?.(d.toString());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited early (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API did not become healthy in 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    process: child,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Another process takes SQLite's write lock and keeps it until stopped, as a stuck backup or shell would. */
export async function holdSqliteWriteLock(path: string): Promise<ChildProcess> {
  const script = `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script, path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code})`)));
  });
  return child;
}

/** Kills a child process (SIGKILL) and waits until it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
