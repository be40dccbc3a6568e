import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo, Socket } from 'net';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { OrchestratorLogger } from '../orchestrator-logger';
import { parseFailureReport, ReceivedFailureReport } from '../../model-runner/protocol/failure-report';
import type { ModelState } from '../../model-runner/protocol/model-state';

export interface MembershipServerOptions {
  crunchId: string;
  host: string;
  /** 0 = ephemeral. */
  port: number;
  /** Every RUNNING deployment, sent as `init` to each new client. */
  runningStates: () => ModelState[];
  onFailureReports: (reports: ReceivedFailureReport[]) => void;
  logger: OrchestratorLogger;
}

/**
 * The orchestrator's cluster-membership WebSocket (model-runner-protocol.md §3):
 * `ws://host:port/<crunch_id>`, `init` on connect, `update` broadcasts, `report_failure` in.
 *
 * @example
 *   const server = new MembershipServer({ crunchId: 'condorgame', host: '127.0.0.1', port: 0, runningStates, onFailureReports, logger });
 *   const port = await server.start();
 *   server.broadcast([{ ...state, state: 'STOPPED' }]);
 */
export class MembershipServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<WebSocket>();

  constructor(private readonly options: MembershipServerOptions) {
    this.http = createServer((_request, response) => {
      response.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'Upgrade' });
      response.end('Upgrade Required: connect with a WebSocket to /<crunch_id>\n');
    });
    this.http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.wss.handleUpgrade(request, socket, head, (client) => this.accept(client, request));
    });
  }

  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        resolve((this.http.address() as AddressInfo).port);
      });
    });
  }

  /** Sends an `update` with these states to every client of this crunch. */
  broadcast(states: ModelState[]): void {
    if (states.length === 0) return;
    const message = JSON.stringify({ event: 'update', data: states });
    for (const client of this.clients) if (client.readyState === WebSocket.OPEN) client.send(message);
  }

  /** Closes every client connection (clients are expected to reconnect and get a fresh `init`). */
  dropClientConnections(): number {
    const count = this.clients.size;
    for (const client of this.clients) client.terminate();
    this.clients.clear();
    return count;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  async stop(): Promise<void> {
    this.dropClientConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private accept(client: WebSocket, request: IncomingMessage): void {
    const crunchId = crunchIdOf(request.url);
    if (!crunchId) {
      client.send(JSON.stringify({ error: 'missing crunch id: connect to ws://host:port/<crunch_id>' }));
      client.close(1008, 'missing crunch id');
      return;
    }
    if (crunchId !== this.options.crunchId) {
      // Another competition's path: nothing of it runs here, so it gets an empty init and no updates.
      this.options.logger.warn(`membership client asked for crunch ${crunchId}, this orchestrator serves ${this.options.crunchId}`);
      client.send(JSON.stringify({ event: 'init', data: [] }));
      return;
    }
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    client.on('error', (error) => this.options.logger.warn(`membership client error: ${error.message}`));
    client.on('message', (raw) => this.receive(raw));
    client.send(JSON.stringify({ event: 'init', data: this.options.runningStates() }));
  }

  private receive(raw: RawData): void {
    let message: { event?: unknown; data?: unknown };
    try {
      message = JSON.parse(raw.toString()) as typeof message;
    } catch {
      this.options.logger.warn(`membership message is not JSON: ${raw.toString().slice(0, 200)}`);
      return;
    }
    if (message?.event !== 'report_failure') {
      this.options.logger.warn(`membership message with unknown event ${JSON.stringify(message?.event)} ignored`);
      return;
    }
    const entries = Array.isArray(message.data) ? message.data : [message.data];
    const reports: ReceivedFailureReport[] = [];
    for (const entry of entries) {
      try {
        reports.push(parseFailureReport(entry));
      } catch (error) {
        this.options.logger.warn((error as Error).message);
      }
    }
    if (reports.length > 0) this.options.onFailureReports(reports);
  }
}

function crunchIdOf(url: string | undefined): string {
  const path = new URL(url ?? '/', 'http://orchestrator').pathname;
  try {
    return decodeURIComponent(path.replace(/^\/+|\/+$/g, ''));
  } catch {
    return '';
  }
}
