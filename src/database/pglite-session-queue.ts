import type { PGlite } from '@electric-sql/pglite';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: Error) => void;
}

/** Frontend messages after which the session is free for another connection (outside a transaction). */
const SYNC = 0x53; // 'S'
const SIMPLE_QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
/** Extended-protocol messages: Parse, Bind, Describe, Execute, Close, Flush. */
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

/**
 * PGlite is a single PostgreSQL session shared by every socket connection. pglite-socket's own
 * queue keeps a connection's transaction together, but not its extended-protocol sequence
 * (Parse, Bind, Execute ... Sync): another connection's Parse could land between them and the
 * first connection's Bind then binds the wrong statement ("bind message supplies N parameters,
 * but prepared statement requires 1"). This queue gives the session to one connection from its
 * first extended message until its Sync, and for the whole of an open transaction.
 * It implements the interface pglite-socket's handlers call.
 */
export class PGliteSessionQueue {
  private queue: QueuedMessage[] = [];
  private processing = false;
  /** The connection that owns the session (mid-sequence or in a transaction), or null. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
    if (this.owner === handlerId && !this.db.isInTransaction()) this.release();
  }

  /** A disconnected connection's open transaction is rolled back so the session is usable again. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.release();
  }

  private release(): void {
    this.owner = null;
    void this.process();
  }

  private next(): QueuedMessage | undefined {
    if (this.owner === null) return this.queue.shift();
    const index = this.queue.findIndex((item) => item.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item!.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item!.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (err) {
          item.reject(err instanceof Error ? err : new Error(String(err)));
        }
        this.updateOwner(item);
      }
    } finally {
      this.processing = false;
    }
  }

  private updateOwner(item: QueuedMessage): void {
    const type = item.message[0];
    if (EXTENDED.has(type)) this.owner = item.handlerId;
    else if (type === SYNC || type === SIMPLE_QUERY) this.owner = this.db.isInTransaction() ? item.handlerId : null;
    else if (type === TERMINATE && this.owner === item.handlerId) this.owner = null;
  }
}
