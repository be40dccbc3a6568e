import { Logger } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import WebSocket from 'ws';
import { FailureReport, reportFailureMessage } from '../protocol/failure-report';
import { ModelState, parseModelState } from '../protocol/model-state';

/**
 * The orchestrator's cluster-membership WebSocket (spec section 3): `ws://host:port/<crunch_id>`.
 * Emits every valid `init`/`update` on `messages$`, reconnects with exponential backoff (the
 * server then sends a fresh `init`), and queues `report_failure` messages while disconnected.
 *
 * @example
 *   const membership = new OrchestratorMembershipClient({ url: 'ws://127.0.0.1:9091/my-crunch' });
 *   membership.messages$.subscribe((message) => pool.apply(message));
 *   membership.start();
 */
export interface MembershipMessage {
  event: 'init' | 'update';
  models: ModelState[];
  /** model_ids of entries that were malformed: an `init` must not drop these runners for that. */
  unreadableModelIds: string[];
}

export interface MembershipClientOptions {
  url: string;
  /** Wait before the first reconnect (reference: 10 s); doubles on each failed attempt. */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Outbound messages kept while disconnected; the oldest are dropped beyond this. */
  maxQueuedMessages?: number;
}

export interface MembershipStats {
  messages: number;
  malformedMessages: number;
  rejectedEntries: number;
  connects: number;
  droppedOutbound: number;
}

export class OrchestratorMembershipClient {
  private readonly logger = new Logger('OrchestratorMembership');
  private readonly subject = new Subject<MembershipMessage>();
  readonly messages$: Observable<MembershipMessage> = this.subject.asObservable();

  private socket: WebSocket | null = null;
  private readonly outbound: string[] = [];
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelayMs: number;
  private running = false;
  private lastMessage: Date | null = null;
  readonly stats: MembershipStats = { messages: 0, malformedMessages: 0, rejectedEntries: 0, connects: 0, droppedOutbound: 0 };

  constructor(private readonly options: MembershipClientOptions) {
    this.reconnectDelayMs = this.initialDelay;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  get lastMessageAt(): Date | null {
    return this.lastMessage;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Closes the socket for good and completes `messages$`. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000, 'coordinator stopping');
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    this.subject.complete();
  }

  /** Sends (or queues until reconnected) a `report_failure` for one model. */
  reportFailure(report: FailureReport): void {
    this.logger.warn(`reporting ${report.failureCode} for model ${report.modelId} (${report.ip}): ${report.reason}`);
    this.send(reportFailureMessage(report));
  }

  private send(text: string): void {
    if (this.socket && this.connected) {
      this.socket.send(text);
      return;
    }
    this.outbound.push(text);
    const max = this.options.maxQueuedMessages ?? 10_000;
    while (this.outbound.length > max) {
      this.outbound.shift();
      this.stats.droppedOutbound += 1;
      this.logger.error(`outbound queue full (${max}); dropped the oldest message`);
    }
  }

  private get initialDelay(): number {
    return this.options.reconnectInitialMs ?? 10_000;
  }

  private connect(): void {
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    socket.on('open', () => {
      this.stats.connects += 1;
      this.reconnectDelayMs = this.initialDelay;
      this.logger.log(`connected to ${this.options.url}`);
      this.flush(socket);
    });
    socket.on('message', (data, isBinary) => this.receive(isBinary ? '<binary frame>' : data.toString()));
    socket.on('error', (error) => this.logger.warn(`socket error on ${this.options.url}: ${error.message}`));
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.running) return;
      this.logger.warn(
        `disconnected from ${this.options.url} (code ${code}${reason.length ? `, ${reason.toString()}` : ''}); ` +
          `reconnecting in ${this.reconnectDelayMs} ms`,
      );
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, this.options.reconnectMaxMs ?? Math.max(60_000, this.initialDelay));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.running) this.connect();
    }, delay);
  }

  private flush(socket: WebSocket): void {
    while (this.outbound.length > 0 && socket.readyState === WebSocket.OPEN) {
      socket.send(this.outbound.shift()!);
    }
  }

  private receive(text: string): void {
    this.lastMessage = new Date();
    this.stats.messages += 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.malformed('not JSON', text);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return this.malformed('not a JSON object', text);
    }
    const message = parsed as Record<string, unknown>;
    if (typeof message.error === 'string' && message.event === undefined) {
      this.logger.error(`orchestrator refused the connection to ${this.options.url}: ${message.error}`);
      return;
    }
    if (message.event !== 'init' && message.event !== 'update') {
      return this.malformed(`unknown event ${JSON.stringify(message.event)}`, text);
    }
    if (!Array.isArray(message.data)) return this.malformed('"data" is not an array', text);

    const models: ModelState[] = [];
    const unreadableModelIds: string[] = [];
    for (const entry of message.data) {
      const result = parseModelState(entry);
      if (result.ok) {
        models.push(result.state);
        continue;
      }
      this.stats.rejectedEntries += 1;
      this.logger.error(`ignoring ${message.event} entry: ${result.reason}; entry ${truncate(JSON.stringify(entry))}`);
      const id = (entry as { model_id?: unknown } | null)?.model_id;
      if (typeof id === 'string' && id !== '') unreadableModelIds.push(id);
    }
    this.subject.next({ event: message.event, models, unreadableModelIds });
  }

  private malformed(reason: string, text: string): void {
    this.stats.malformedMessages += 1;
    this.logger.error(`ignoring malformed membership message from ${this.options.url} (${reason}): ${truncate(text)}`);
  }
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
