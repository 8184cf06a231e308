import { connect, createServer, Server, Socket } from 'node:net';

type Mode = 'open' | 'refused' | 'blackholed';

/**
 * A TCP proxy between the app and its database that can fail the way networks do:
 * `refuse()` stops listening (new connections get ECONNREFUSED) and resets every open one;
 * `blackhole()` keeps accepting but forwards nothing, in either direction, so connects and
 * queries hang until the app's own time limits end them; `restore()` heals either.
 */
export class FaultProxy {
  private readonly server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream?: Socket }>();
  private mode: Mode = 'open';
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetHost: string, targetPort: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetHost, targetPort);
    await proxy.listen(0);
    return proxy;
  }

  /** A proxy in front of a MySQL database URL, and the same URL through it. */
  static async inFrontOf(databaseUrl: string): Promise<{ proxy: FaultProxy; url: string }> {
    const direct = new URL(databaseUrl);
    const proxy = await FaultProxy.start(direct.hostname, Number(direct.port || 3306));
    const proxied = new URL(databaseUrl);
    proxied.host = `127.0.0.1:${proxy.port}`;
    return { proxy, url: proxied.toString() };
  }

  get state(): Mode {
    return this.mode;
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (typeof address === 'object' && address) this.port = address.port;
  }

  private accept(client: Socket): void {
    const pair: { client: Socket; upstream?: Socket } = { client };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      this.pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (this.mode === 'blackholed') return; // accepted, never answered
    const upstream = connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** New connections are refused; open ones are reset (RST), as when the server dies. */
  async refuse(): Promise<void> {
    this.mode = 'refused';
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.resetAll();
    await closed;
  }

  /** Packets vanish: nothing more is forwarded on open connections, new ones are accepted and ignored. */
  blackhole(): void {
    this.mode = 'blackholed';
    for (const { client, upstream } of this.pairs) {
      client.unpipe();
      upstream?.unpipe();
      client.pause();
      upstream?.pause();
    }
  }

  /** Back to normal. Blackholed connections end with a reset, as a long partition does. */
  async restore(): Promise<void> {
    const was = this.mode;
    this.mode = 'open';
    if (was === 'refused') await this.listen(this.port);
    if (was === 'blackholed') this.resetAll();
  }

  private resetAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream?.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.resetAll();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
