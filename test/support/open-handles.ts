/**
 * Jest globalTeardown of the e2e project: with --runInBand every suite ran in this process, so
 * whatever the suites left open (a socket to a database, a listener, a child process) is still
 * here. Each one is named and the run fails, instead of Jest hanging after the last suite (or
 * --forceExit hiding it). Timers are not listed: the app's are unref'd and cannot keep Node up.
 */
interface Described {
  constructor: { name: string };
  remoteAddress?: string;
  remotePort?: number;
  localPort?: number;
  pid?: number;
  spawnargs?: string[];
  address?: () => unknown;
  _handle?: { hasRef?: () => boolean } | null;
}

const stdio = new Set<unknown>([process.stdin, process.stdout, process.stderr]);

function describeHandle(h: Described): string {
  if (h.pid !== undefined) return `child process ${h.pid}: ${(h.spawnargs ?? []).join(' ').slice(0, 200)}`;
  if (h.remotePort !== undefined) return `${h.constructor.name} 127.0.0.1:${h.localPort} -> ${h.remoteAddress}:${h.remotePort}`;
  if (typeof h.address === 'function') return `${h.constructor.name} listening on ${JSON.stringify(h.address())}`;
  return h.constructor.name;
}

/** Open, referenced handles other than stdio; a socket whose _handle is gone is closing already. */
function openHandles(): Described[] {
  const active = (process as unknown as { _getActiveHandles(): Described[] })._getActiveHandles();
  return active.filter((h) => !stdio.has(h) && h._handle !== null && h._handle?.hasRef?.() !== false);
}

export default async function reportOpenHandles(): Promise<void> {
  // close() of the last suite's sockets and servers completes over the next turns of the loop.
  for (let turn = 0; turn < 50 && openHandles().length > 0; turn++) await new Promise((resolve) => setImmediate(resolve));
  const open = openHandles();
  if (open.length === 0) return;
  throw new Error(`The e2e suites left ${open.length} handle(s) open (each would keep Jest from exiting):\n  ${open.map(describeHandle).join('\n  ')}`);
}
