import { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * The orchestrator's side of the membership WebSocket (spec section 3), for tests:
 * sends `init` with the current models right after connect, broadcasts updates, records
 * `report_failure` messages, answers STOPPED to a report, and can drop connections.
 */
export class TestOrchestrator {
  readonly server: WebSocketServer;
  models: Record<string, unknown>[] = [];
  readonly received: any[] = [];
  readonly connections: WebSocket[] = [];
  connectCount = 0;
  /** When true, a failure report is answered by a STOPPED update (as the real orchestrator does). */
  stopOnReport = true;
  crunchId = 'test-crunch';

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on('connection', (socket, request) => {
      const path = (request.url ?? '/').slice(1);
      if (path === '') {
        socket.send(JSON.stringify({ error: 'crunch id required' }));
        socket.close();
        return;
      }
      this.connectCount += 1;
      this.connections.push(socket);
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        this.received.push(message);
        if (message.event === 'report_failure' && this.stopOnReport) {
          for (const report of message.data) {
            const model = this.models.find((m) => m.model_id === report.model_id);
            if (!model) continue;
            this.models = this.models.filter((m) => m !== model);
            this.send('update', [{ ...model, state: 'STOPPED' }]);
          }
        }
      });
      socket.on('close', () => this.connections.splice(this.connections.indexOf(socket), 1));
      socket.send(JSON.stringify({ event: 'init', data: this.models }));
    });
  }

  static async start(port = 0): Promise<TestOrchestrator> {
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new TestOrchestrator(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  send(event: string, data: unknown[]): void {
    this.sendRaw(JSON.stringify({ event, data }));
  }

  sendRaw(text: string): void {
    for (const socket of this.connections) socket.send(text);
  }

  dropConnections(): void {
    for (const socket of [...this.connections]) socket.terminate();
  }

  reports(): any[] {
    return this.received.filter((m) => m.event === 'report_failure').flatMap((m) => m.data);
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function modelStateJson(id: string, port: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model_id: id,
    deployment_id: `${id}_20260101_000000_000`,
    state: 'RUNNING',
    ip: '127.0.0.1',
    port: String(port),
    infos: { model_name: `${id}-name`, cruncher_id: `c-${id}`, cruncher_name: 'alice', cruncher_wallet_pubkey: null, cruncher_hotkey: '' },
    ...overrides,
  };
}
