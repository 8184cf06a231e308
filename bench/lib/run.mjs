// Helpers every bench script shares: SCIM requests over a keep-alive agent, a process's CPU
// time, and where a run's JSON goes with the commit it measured.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { root } from './service.mjs';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** User plus system CPU seconds a process has spent so far (Linux /proc). */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

/**
 * `request(port, method, path, token, body)` over one keep-alive agent of `maxSockets`:
 * answers `{ status, body, ms }` (body parsed as JSON, undefined when empty; ms from send to last byte);
 * `request.close()` ends the agent.
 */
export function requester(maxSockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (port, method, path, token, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const started = process.hrtime.bigint();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload ? { 'content-type': 'application/scim+json; charset=utf-8', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined, ms: Number(process.hrtime.bigint() - started) / 1e6 });
          });
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  /** Closes the agent's idle sockets, so the bench can exit. */
  request.close = () => agent.destroy();
  return request;
}

/** The commit measured, marked when the working tree had uncommitted changes to tracked files. */
export function commit() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout?.trim();
  return `${head.stdout.trim()}${dirty ? ' (with uncommitted changes)' : ''}`;
}

/** `BENCH_OUT`, or `bench/results/<date>-<kind>.json` (`-2`, `-3`… rather than overwrite a file). */
export function resultFile(kind, date) {
  if (process.env.BENCH_OUT) return process.env.BENCH_OUT;
  for (let n = 1; ; n++) {
    const file = join(root, 'bench/results', `${date}-${kind}${n === 1 ? '' : `-${n}`}.json`);
    if (!existsSync(file)) return file;
  }
}
