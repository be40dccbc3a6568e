import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import { FeedOptionError, FeedPayloadError } from '../feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { FeedHttpClient, HTTP_OPTION_KEYS } from '../http/feed-http-client';
import { redactedUrl } from '../http/redacted-url';
import { numericValue, scaledInteger } from '../numeric-value';

/**
 * `pyth-hermes`: Pyth's latest prices (Hermes). Each poll yields the latest price of each
 * subject, kept when it falls in the asked range: a live feed without history.
 * v2: `GET {baseUrl}/v2/updates/price/latest?ids[]=<id>` -> `{parsed: [{id, price: {price, conf, expo, publish_time}, ema_price}]}`;
 * v1: `GET {baseUrl}/api/latest_price_feeds?ids[]=<id>` -> `[{id, price: {...}, ema_price: {...}}]`.
 * value = int(price) * 10^expo (BigInt-exact), ts = publish_time.
 *
 * Options: `ids` ({subject: feed id hex}, required for each subject), `baseUrl`
 * (https://hermes.pyth.network), `api` (`v2` | `v1`), HTTP options.
 */
@FeedAdapter('pyth-hermes')
export class PythHermesFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['baseUrl', 'ids', 'api', ...HTTP_OPTION_KEYS]);
    const baseUrl = o.url('baseUrl', 'https://hermes.pyth.network');
    const api = o.oneOf('api', ['v2', 'v1'] as const, 'v2');
    const ids = o.stringMap('ids');
    for (const subject of context.subjects) {
      if (!ids[subject]) throw new FeedOptionError(context.source, `ids.${subject}`, 'is required (the Pyth price feed id, hex)');
    }
    for (const [subject, id] of Object.entries(ids)) {
      if (!/^(0x)?[0-9a-f]{64}$/i.test(id)) throw new FeedOptionError(context.source, `ids.${subject}`, 'must be a 32-byte hex feed id');
    }
    const http = FeedHttpClient.fromOptions(o);

    return {
      listSubjects: async () => Object.keys(ids),
      async fetchRange(subject: string, fromMs: number, toMs: number): Promise<FeedRecord[]> {
        const id = ids[subject];
        if (!id) return [];
        const path = api === 'v2' ? '/v2/updates/price/latest' : '/api/latest_price_feeds';
        const url = `${baseUrl}${path}?ids[]=${normalizedId(id)}${api === 'v2' ? '&parsed=true' : ''}`;
        const where = `GET ${redactedUrl(url)}`;
        const body = await http.getJson(url);
        const entries = api === 'v2' ? (body as { parsed?: unknown })?.parsed : body;
        if (!Array.isArray(entries)) {
          throw new FeedPayloadError(context.source, where, api === 'v2' ? 'expected {"parsed": [...]}' : 'expected a JSON array of price feeds');
        }
        const entry = entries.find((e) => normalizedId(String((e as { id?: unknown })?.id ?? '')) === normalizedId(id));
        if (!entry) throw new FeedPayloadError(context.source, where, `no price feed with id ${id} in the answer`);
        const record = toRecord(subject, entry as HermesPriceFeed);
        return record.ts >= fromMs && record.ts <= toMs ? [record] : [];
      },
    };
  }
}

interface HermesPrice {
  price?: unknown;
  conf?: unknown;
  expo?: unknown;
  publish_time?: unknown;
}

interface HermesPriceFeed {
  id: string;
  price?: HermesPrice;
  ema_price?: HermesPrice;
}

function toRecord(subject: string, feed: HermesPriceFeed): FeedRecord {
  const price = feed.price ?? {};
  const values: Record<string, number> = {
    price: scaledInteger(price.price, price.expo),
    conf: scaledInteger(price.conf, price.expo),
  };
  if (feed.ema_price) values.emaPrice = scaledInteger(feed.ema_price.price, feed.ema_price.expo);
  return { subject, ts: numericValue(price.publish_time) * 1000, values };
}

function normalizedId(id: string): string {
  return id.toLowerCase().replace(/^0x/, '');
}
