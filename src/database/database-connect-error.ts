/** The first connection failed (refused, unknown host, bad credentials, no such database); names the server, never the password. */
export class DatabaseConnectError extends Error {
  constructor(
    readonly server: string,
    readonly reason: string,
  ) {
    super(`cannot connect to ${server}: ${reason}`);
    this.name = 'DatabaseConnectError';
  }
}

/** The driver's reason in one line: its code (ECONNREFUSED, 28P01, 3D000) and the first line of its message. */
export function describeConnectFailure(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

/** `host:port/database` of a connection URL, without user or password. */
export function serverOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the database';
  }
}
