import WebSocket from 'ws';

export interface MembershipMessage {
  event: string;
  data: Array<Record<string, any>>;
  error?: string;
}

/** A raw WebSocket client that records every message and lets a test wait for one. */
export class MembershipTestClient {
  readonly messages: MembershipMessage[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.messages.push(JSON.parse(raw.toString()));
      this.waiters.forEach((wake) => wake());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.forEach((wake) => wake());
    });
  }

  static connect(url: string): Promise<MembershipTestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new MembershipTestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** Waits for the first recorded message (from `from` on) matching `match`. */
  async waitFor(match: (message: MembershipMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<MembershipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message in ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  /** Every state object of `update` messages, in arrival order. */
  updates(): Array<Record<string, any>> {
    return this.messages.filter((m) => m.event === 'update').flatMap((m) => m.data);
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.socket.close();
  }
}
