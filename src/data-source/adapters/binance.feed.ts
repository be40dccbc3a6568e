import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import { FeedPayloadError } from '../feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { FeedHttpClient, HTTP_OPTION_KEYS } from '../http/feed-http-client';
import { redactedUrl } from '../http/redacted-url';
import { numericValue } from '../numeric-value';

const MAX_LIMIT = 1000;

/**
 * `binance`: Binance spot klines.
 * `GET {baseUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=<ms>&endTime=<ms>&limit=1000`
 * -> `[[openTime, open, high, low, close, volume, closeTime, ...], ...]` with prices as strings.
 * Pages of at most 1000 klines; `ts` is the kline's open time, and a kline still open
 * (closeTime after now) is left for the next poll.
 *
 * Options: `baseUrl` (https://api.binance.com), `symbols` ({subject: symbol}, default
 * `<subject>USDT`), `interval` (`1m`), `limit` (1000), HTTP options.
 */
@FeedAdapter('binance')
export class BinanceFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['baseUrl', 'symbols', 'interval', 'limit', ...HTTP_OPTION_KEYS]);
    const baseUrl = o.url('baseUrl', 'https://api.binance.com');
    const symbols = o.stringMap('symbols');
    const interval = o.oneOf('interval', ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'] as const, '1m');
    const limit = o.number('limit', MAX_LIMIT, { min: 1, max: MAX_LIMIT, integer: true });
    const http = FeedHttpClient.fromOptions(o);

    return {
      listSubjects: async () => [...context.subjects],
      async *fetchRange(subject: string, fromMs: number, toMs: number): AsyncGenerator<FeedRecord[]> {
        const symbol = symbols[subject] ?? `${subject}USDT`;
        let startTime = Math.ceil(fromMs);
        while (startTime <= toMs) {
          const url = `${baseUrl}/api/v3/klines?symbol=${encodeURIComponent(symbol)}&interval=${interval}&startTime=${startTime}&endTime=${Math.floor(toMs)}&limit=${limit}`;
          const rows = await http.getJson(url);
          if (!Array.isArray(rows)) throw new FeedPayloadError(context.source, `GET ${redactedUrl(url)}`, 'expected a JSON array of klines');
          const now = context.nowMs();
          const records = rows.map((row) => toRecord(subject, row)).filter((r) => !(r.closeTime > now));
          yield records.map((r) => r.record);
          const lastOpen = numericValue((rows.at(-1) as unknown[] | undefined)?.[0]);
          if (rows.length < limit || !(lastOpen >= startTime)) return;
          startTime = lastOpen + 1;
        }
      },
    };
  }
}

function toRecord(subject: string, row: unknown): { record: FeedRecord; closeTime: number } {
  const k = Array.isArray(row) ? row : [];
  return {
    record: {
      subject,
      ts: numericValue(k[0]),
      values: { open: numericValue(k[1]), high: numericValue(k[2]), low: numericValue(k[3]), close: numericValue(k[4]), volume: numericValue(k[5]) },
    },
    closeTime: numericValue(k[6]),
  };
}
