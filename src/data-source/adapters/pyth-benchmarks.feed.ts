import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import { FeedOptionError, FeedPayloadError } from '../feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { FeedHttpClient, HTTP_OPTION_KEYS } from '../http/feed-http-client';
import { redactedUrl } from '../http/redacted-url';
import { numericValue } from '../numeric-value';

const RESOLUTION_SECONDS: Record<string, number> = { D: 86_400, W: 7 * 86_400, M: 30 * 86_400 };
const ALLOWED_RESOLUTIONS = ['1', '2', '5', '15', '30', '60', '120', '240', '360', '720', 'D', 'W', 'M'];

/**
 * `pyth`: Pyth benchmarks, TradingView shim (historical bars).
 * `GET {baseUrl}/v1/shims/tradingview/history?symbol=Crypto.BTC/USD&resolution=1&from=<s>&to=<s>`
 * -> `{s: "ok", t, o, h, l, c, v}` | `{s: "no_data"}` | `{s: "error", errmsg}`. A "Too many
 * datapoints" error splits the range in halves until each half is accepted.
 *
 * Options: `baseUrl` (https://benchmarks.pyth.network), `symbols` ({subject: symbol}, default
 * `Crypto.<subject>/USD`), `resolution` ("1"), `pageSeconds` (first request span, 86400), HTTP options.
 */
@FeedAdapter('pyth')
export class PythBenchmarksFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['baseUrl', 'symbols', 'resolution', 'pageSeconds', ...HTTP_OPTION_KEYS]);
    const baseUrl = o.url('baseUrl', 'https://benchmarks.pyth.network');
    const symbols = o.stringMap('symbols');
    const resolution = o.string('resolution', '1');
    if (!ALLOWED_RESOLUTIONS.includes(resolution)) {
      throw new FeedOptionError(context.source, 'resolution', `must be one of ${ALLOWED_RESOLUTIONS.join(', ')}`);
    }
    const barSeconds = RESOLUTION_SECONDS[resolution] ?? Number(resolution) * 60;
    const pageSeconds = o.number('pageSeconds', 86_400, { min: barSeconds });
    const http = FeedHttpClient.fromOptions(o);
    const symbolOf = (subject: string) => symbols[subject] ?? `Crypto.${subject}/USD`;

    /** One request, or two halves of it when the provider refuses the size. */
    async function* bars(subject: string, fromS: number, toS: number): AsyncGenerator<FeedRecord[]> {
      const url =
        `${baseUrl}/v1/shims/tradingview/history?symbol=${encodeURIComponent(symbolOf(subject))}` +
        `&resolution=${resolution}&from=${fromS}&to=${toS}`;
      const where = `GET ${redactedUrl(url)}`;
      const body = (await http.getJson(url)) as Record<string, unknown> | null;
      if (!body || typeof body !== 'object') throw new FeedPayloadError(context.source, where, 'expected a JSON object');
      if (body.s === 'no_data') return;
      if (body.s === 'error') {
        const errmsg = String(body.errmsg ?? '');
        if (/too many datapoints/i.test(errmsg) && toS - fromS > barSeconds) {
          const mid = fromS + Math.floor((toS - fromS) / 2);
          yield* bars(subject, fromS, mid);
          yield* bars(subject, mid + 1, toS);
          return;
        }
        throw new FeedPayloadError(context.source, where, `provider error: ${errmsg || 'no message'}`);
      }
      if (body.s !== 'ok') throw new FeedPayloadError(context.source, where, `unexpected status s=${JSON.stringify(body.s)}`);
      yield parseBars(body, subject, where, context.source);
    }

    return {
      listSubjects: async () => [...context.subjects],
      async *fetchRange(subject: string, fromMs: number, toMs: number): AsyncGenerator<FeedRecord[]> {
        const fromS = Math.ceil(fromMs / 1000);
        const toS = Math.floor(toMs / 1000);
        for (let start = fromS; start <= toS; start += pageSeconds) {
          for await (const page of bars(subject, start, Math.min(toS, start + pageSeconds - 1))) {
            yield page.filter((r) => r.ts >= fromMs && r.ts <= toMs);
          }
        }
      },
    };
  }
}

function parseBars(body: Record<string, unknown>, subject: string, where: string, source: string): FeedRecord[] {
  if (!Array.isArray(body.t) || !Array.isArray(body.c)) throw new FeedPayloadError(source, where, 'expected arrays "t" and "c"');
  const times = body.t as unknown[];
  const columns = (['o', 'h', 'l', 'c', 'v'] as const).filter((k) => Array.isArray(body[k]));
  const names = { o: 'open', h: 'high', l: 'low', c: 'close', v: 'volume' } as const;
  return times.map((t, i) => {
    const values: Record<string, number> = {};
    for (const column of columns) values[names[column]] = numericValue((body[column] as unknown[])[i]);
    return { subject, ts: numericValue(t) * 1000, values };
  });
}
