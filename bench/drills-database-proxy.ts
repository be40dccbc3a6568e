import * as net from 'node:net';

/**
 * A TCP proxy between the app and its database (PostgreSQL or PGlite's socket) that a test can
 * cut and restore (the outage tests and bench/drills.ts): `cut()` closes every open connection and refuses new ones (what a restarting
 * server does), `restore()` accepts again on the same port. Loopback only.
 *
 * @example
 *   const proxy = await DatabaseProxy.start(db.url);
 *   const ds = await openDatabase(proxy.url, { embedded: false });
 *   await proxy.cut(); ... await proxy.restore();
 */
export class DatabaseProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly target: { host: string; port: number },
    private port: number,
    private readonly targetUrl: URL,
  ) {}

  static async start(databaseUrl: string): Promise<DatabaseProxy> {
    const url = new URL(databaseUrl);
    const proxy = new DatabaseProxy({ host: url.hostname, port: Number(url.port || 5432) }, 0, url);
    await proxy.restore();
    return proxy;
  }

  /** The database URL, through the proxy. */
  get url(): string {
    const url = new URL(this.targetUrl.toString());
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  get isCut(): boolean {
    return this.server === null;
  }

  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Cuts for `ms`, then restores. */
  async blip(ms: number): Promise<void> {
    await this.cut();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.restore();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
