import { Logger } from '@nestjs/common';
import { Observable } from 'rxjs';
import WebSocket from 'ws';
import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import { FeedOptionError } from '../feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { redactedUrl } from '../http/redacted-url';
import { numericValue } from '../numeric-value';

/**
 * `websocket`: a generic JSON-over-WebSocket price stream. Each message (or each element of the
 * array at `recordsPath`) becomes a record through dotted paths; malformed messages are logged
 * with their number and skipped; the connection is re-opened after `reconnectSeconds`.
 * A stream has no history: `fetchRange` returns nothing and the data source stores what streams.
 *
 * Options: `url` (ws/wss, required), `subscribeMessage` (JSON sent after each connect),
 * `recordsPath` (optional), `subjectPath` or a fixed `subject`, `tsPath` (`ts`), `tsUnit`
 * (`ms` | `s`), `valuePaths` ({field: path}, required), `subjectMap` ({provider name: subject}),
 * `reconnectSeconds` (5).
 *
 * @example
 *   { url: 'wss://stream.example/ws', subscribeMessage: { op: 'subscribe', channel: 'trades' },
 *     subjectPath: 'data.s', tsPath: 'data.T', tsUnit: 'ms', valuePaths: { price: 'data.p' } }
 */
@FeedAdapter('websocket')
export class WebSocketFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['url', 'subscribeMessage', 'recordsPath', 'subjectPath', 'subject', 'tsPath', 'tsUnit', 'valuePaths', 'subjectMap', 'reconnectSeconds']);
    const url = o.url('url', undefined, ['ws:', 'wss:']);
    const fixedSubject = o.optionalString('subject');
    const subjectPath = o.string('subjectPath', 'subject');
    const tsPath = o.string('tsPath', 'ts');
    const tsUnit = o.oneOf('tsUnit', ['ms', 's'] as const, 'ms');
    const recordsPath = o.optionalString('recordsPath');
    const valuePaths = o.stringMap('valuePaths');
    if (Object.keys(valuePaths).length === 0) throw new FeedOptionError(context.source, 'valuePaths', 'is required: {field: dotted.path}');
    const subjectMap = o.stringMap('subjectMap');
    const reconnectMs = o.number('reconnectSeconds', 5, { min: 0 }) * 1000;
    const subscribeMessage = options.subscribeMessage;
    const logger = new Logger(`Feed:${context.source}`);
    const shownUrl = redactedUrl(url);

    const toRecord = (item: unknown): FeedRecord | string => {
      const rawSubject = fixedSubject ?? at(item, subjectPath);
      if (typeof rawSubject !== 'string' || rawSubject === '') return `missing subject at "${subjectPath}"`;
      const rawTs = numericValue(at(item, tsPath));
      if (!Number.isFinite(rawTs)) return `missing or non-numeric timestamp at "${tsPath}"`;
      const values: Record<string, number> = {};
      for (const [field, path] of Object.entries(valuePaths)) values[field] = numericValue(at(item, path));
      return { subject: subjectMap[rawSubject] ?? rawSubject, ts: tsUnit === 's' ? rawTs * 1000 : rawTs, values };
    };

    const stream = () =>
      new Observable<FeedRecord>((subscriber) => {
        let socket: WebSocket | undefined;
        let timer: NodeJS.Timeout | undefined;
        let closed = false;
        let messageNumber = 0;
        const connect = () => {
          socket = new WebSocket(url);
          socket.on('open', () => {
            logger.log(`source ${context.source}: connected to ${shownUrl}`);
            if (subscribeMessage !== undefined) socket!.send(JSON.stringify(subscribeMessage));
          });
          socket.on('message', (data) => {
            messageNumber++;
            let parsed: unknown;
            try {
              parsed = JSON.parse(data.toString());
            } catch {
              logger.warn(`source ${context.source}: skipped message ${messageNumber} from ${shownUrl}: malformed JSON`);
              return;
            }
            const items = recordsPath === undefined ? (Array.isArray(parsed) ? parsed : [parsed]) : at(parsed, recordsPath);
            if (!Array.isArray(items)) {
              logger.warn(`source ${context.source}: skipped message ${messageNumber}: no array at "${recordsPath}"`);
              return;
            }
            items.forEach((item, i) => {
              const record = toRecord(item);
              if (typeof record === 'string') logger.warn(`source ${context.source}: skipped message ${messageNumber} item ${i}: ${record}`);
              else subscriber.next(record);
            });
          });
          socket.on('error', (err) => logger.warn(`source ${context.source}: ${shownUrl}: ${err.message}`));
          socket.on('close', () => {
            if (closed) return;
            logger.warn(`source ${context.source}: ${shownUrl} closed, reconnecting in ${reconnectMs} ms`);
            timer = setTimeout(connect, reconnectMs);
          });
        };
        connect();
        return () => {
          closed = true;
          if (timer) clearTimeout(timer);
          socket?.removeAllListeners('message');
          socket?.on('error', () => undefined);
          socket?.terminate();
        };
      });

    return {
      listSubjects: async () => [...context.subjects],
      fetchRange: async () => [],
      stream,
    };
  }
}

/** The value at a dotted path (`data.p`, `items.0.price`), or undefined. */
function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
